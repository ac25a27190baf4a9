package io.orchestrix.projection.mongo.internal;

import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.StoredDocument;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.RawBsonDocument;
import org.bson.io.BasicOutputBuffer;

/**
 * The layout of one read-model document in its collection:
 *
 * <pre>
 * { _id: "&lt;document id&gt;",
 *   latest: { position: &lt;int64, position of the last event that changed it, 0 if unknown&gt;,
 *             writer: &lt;int64, fencing token of the commit that wrote it&gt;,
 *             sequence: &lt;int64, increasing per commit of a store instance&gt;,
 *             partition: &lt;int32, partition of the commit that wrote it, -1 if not partitioned;
 *                         missing in documents stored before partitions, meaning -1&gt;,
 *             index: { &lt;index name&gt;: "&lt;value&gt;", ... },   // only indexes with a value
 *             doc: { ...the document's JSON as BSON... } } }
 * </pre>
 *
 * The user's document lives under {@code latest.doc} so that none of its field names can collide with
 * the store's own; each declared index is a MongoDB index on {@code latest.index.<name>}. Everything
 * but the id sits in one sub-document that starts with (position, writer, sequence), so that a
 * standalone commit can replace it with {@code $max}: MongoDB compares embedded documents field by
 * field, so a write never replaces a document from a later event, and at the same position (a
 * dead-letter retry writes at the checkpoint) the newer writer, then the later commit, wins;
 * atomically, in an update whose filter is the {@code _id} alone. Thread-safe; stateless.
 */
public final class ReadModelDocuments {

  /** The document id field. */
  public static final String ID = "_id";
  /** The sub-document holding position, index values and the document. */
  public static final String LATEST = "latest";
  /** The field path of the position of the last event that changed the document. */
  public static final String POSITION = LATEST + ".position";
  /** The field path of the partition that last wrote the document (missing means -1). */
  public static final String PARTITION = LATEST + "." + EncodedDocument.PARTITION;
  /** MongoDB's limit on a stored document, 16 MiB. */
  public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

  private ReadModelDocuments() {}

  /** The field path of an index. */
  public static String indexField(String index) {
    return LATEST + ".index." + index;
  }

  /**
   * Converts a document to its {@code latest} sub-document, which is also the check that MongoDB can
   * hold it: the JSON is parsed once, straight into BSON. The writer token and commit sequence are
   * left 0, to be set by {@link EncodedDocument#latest} when the commit that writes it is known.
   *
   * @throws InvalidDocumentException naming the read model, the id and the reason, if MongoDB cannot
   *     hold it (a field name it refuses, a number Decimal128 cannot hold, nesting too deep, over
   *     16 MiB as stored, not one JSON object)
   */
  public static EncodedDocument encode(String readModel, StoredDocument document) {
    BasicOutputBuffer buffer = new BasicOutputBuffer(document.json().length() + 96);
    try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
      writer.writeStartDocument();
      writer.writeInt64(EncodedDocument.POSITION, document.position());
      writer.writeInt64(EncodedDocument.WRITER, 0);
      writer.writeInt64(EncodedDocument.SEQUENCE, 0);
      writer.writeInt32(EncodedDocument.PARTITION, Commit.UNPARTITIONED);
      writer.writeStartDocument("index");
      for (Map.Entry<String, String> entry : document.indexValues().entrySet()) {
        writer.writeString(entry.getKey(), entry.getValue());
      }
      writer.writeEndDocument();
      writer.writeName("doc");
      JsonBson.writeObject(document.json(), writer);
      writer.writeEndDocument();
    } catch (JsonBson.InvalidJsonException e) {
      throw invalid(readModel, document.id(), e.getMessage());
    }
    int size = storedSize(document.id(), buffer.getPosition());
    if (size > MAX_DOCUMENT_BYTES) {
      throw invalid(readModel, document.id(), "it takes " + size
          + " bytes as BSON, over MongoDB's limit of " + MAX_DOCUMENT_BYTES + " bytes (16 MiB)");
    }
    return new EncodedDocument(buffer.getInternalBuffer(), buffer.getPosition());
  }

  /** The whole stored document: the id and its {@code latest} sub-document. */
  public static BsonDocument document(String id, RawBsonDocument latest) {
    return new BsonDocument(ID, new BsonString(id)).append(LATEST, latest);
  }

  /** The BSON size of {@code {_id: id, latest: <latestSize bytes>}}. */
  private static int storedSize(String id, int latestSize) {
    int idBytes = id.getBytes(StandardCharsets.UTF_8).length;
    return 4 + (1 + 4 + 4 + idBytes + 1) + (1 + LATEST.length() + 1 + latestSize) + 1;
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
        String name = reader.readName();
        if (name.equals(ID)) {
          id = reader.readString();
        } else if (name.equals(LATEST)) {
          reader.readStartDocument();
          while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (reader.readName()) {
              case EncodedDocument.POSITION -> position = reader.getCurrentBsonType() == BsonType.INT32
                  ? reader.readInt32() : reader.readInt64();
              case "index" -> indexValues = readIndexValues(reader);
              case "doc" -> json = JsonBson.readObject(reader);
              default -> reader.skipValue();
            }
          }
          reader.readEndDocument();
        } else {
          reader.skipValue();
        }
      }
      reader.readEndDocument();
    }
    if (id == null || json == null) {
      throw new IllegalStateException(
          "a stored document lacks its _id or latest.doc field (was it written outside the store?)");
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
