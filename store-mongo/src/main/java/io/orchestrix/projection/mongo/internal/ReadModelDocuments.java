package io.orchestrix.projection.mongo.internal;

import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.HashMap;
import java.util.Map;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonType;
import org.bson.RawBsonDocument;
import org.bson.io.BasicOutputBuffer;

/**
 * The layout of one read-model document in its collection:
 *
 * <pre>
 * { _id: "&lt;document id&gt;",
 *   position: &lt;int64, position of the last event that changed it, 0 if unknown&gt;,
 *   index: { &lt;index name&gt;: "&lt;value&gt;", ... },   // only the indexes that have a value
 *   doc: { ...the document's JSON as BSON... } }
 * </pre>
 *
 * The user's document lives under {@code doc} so that none of its field names can collide with the
 * store's own; index values live under {@code index} and each declared index is a MongoDB index on
 * {@code index.<name>}. Thread-safe; stateless.
 */
public final class ReadModelDocuments {

  /** The document id field. */
  public static final String ID = "_id";
  /** The field holding the position of the last event that changed the document. */
  public static final String POSITION = "position";
  /** The sub-document holding index values. */
  public static final String INDEX = "index";
  /** The sub-document holding the document itself. */
  public static final String DOC = "doc";
  /** MongoDB's limit on a stored document, 16 MiB. */
  public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

  private ReadModelDocuments() {}

  /** The field path of an index. */
  public static String indexField(String index) {
    return INDEX + "." + index;
  }

  /**
   * Encodes a document as it is stored.
   *
   * @throws InvalidDocumentException naming the read model, the id and the reason, if MongoDB cannot
   *     hold it (a field name it refuses, a number Decimal128 cannot hold, over 16 MiB, not JSON)
   */
  public static RawBsonDocument encode(String readModel, StoredDocument document) {
    BasicOutputBuffer buffer = new BasicOutputBuffer(document.json().length() + 64);
    try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
      writer.writeStartDocument();
      writer.writeString(ID, document.id());
      writer.writeInt64(POSITION, document.position());
      writer.writeStartDocument(INDEX);
      for (Map.Entry<String, String> entry : document.indexValues().entrySet()) {
        writer.writeString(entry.getKey(), entry.getValue());
      }
      writer.writeEndDocument();
      writer.writeName(DOC);
      JsonBson.writeObject(document.json(), writer);
      writer.writeEndDocument();
    } catch (JsonBson.InvalidJsonException e) {
      throw invalid(readModel, document.id(), e.getMessage());
    }
    int size = buffer.getPosition();
    if (size > MAX_DOCUMENT_BYTES) {
      throw invalid(readModel, document.id(), "it takes " + size
          + " bytes as BSON, over MongoDB's limit of " + MAX_DOCUMENT_BYTES + " bytes (16 MiB)");
    }
    return new RawBsonDocument(buffer.getInternalBuffer(), 0, size);
  }

  private static InvalidDocumentException invalid(String readModel, String id, String reason) {
    String shownId = id.length() > 80 ? id.substring(0, 80) + "..." : id;
    return new InvalidDocumentException("read model '" + readModel + "', document '" + shownId
        + "': MongoDB cannot store it: " + reason);
  }

  /**
   * Decodes a stored document.
   *
   * @throws IllegalStateException if it is not in this store's layout
   */
  public static StoredDocument decode(RawBsonDocument stored) {
    String id = null;
    String json = null;
    long position = 0;
    Map<String, String> indexValues = Map.of();
    try (BsonBinaryReader reader = new BsonBinaryReader(stored.getByteBuffer().asNIO())) {
      reader.readStartDocument();
      while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
        switch (reader.readName()) {
          case ID -> id = reader.readString();
          case POSITION -> position = reader.getCurrentBsonType() == BsonType.INT32
              ? reader.readInt32() : reader.readInt64();
          case INDEX -> indexValues = readIndexValues(reader);
          case DOC -> json = JsonBson.readObject(reader);
          default -> reader.skipValue();
        }
      }
      reader.readEndDocument();
    }
    if (id == null || json == null) {
      throw new IllegalStateException("a stored document lacks its _id or doc field: " + stored);
    }
    return new StoredDocument(id, json, indexValues, position);
  }

  private static Map<String, String> readIndexValues(BsonBinaryReader reader) {
    Map<String, String> values = new HashMap<>();
    reader.readStartDocument();
    while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
      values.put(reader.readName(), reader.readString());
    }
    reader.readEndDocument();
    return values;
  }
}
