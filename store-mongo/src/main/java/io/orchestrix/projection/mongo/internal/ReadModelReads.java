package io.orchestrix.projection.mongo.internal;

import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.jspecify.annotations.Nullable;

/**
 * Reads of read-model documents. Ids and index values are compared as MongoDB compares strings under
 * the simple collation, byte for byte, so two that differ in case, a trailing space or any other
 * character never match each other (the store refuses collections with another default collation).
 * Every read decodes the raw BSON straight into JSON text. Thread-safe.
 */
public final class ReadModelReads {

  /** Most ids in one {@code $in} query of {@link #findAll}. */
  static final int FIND_ALL_CHUNK = 1_000;
  private static final BsonDocument BY_ID = new BsonDocument(ReadModelDocuments.ID, new BsonInt32(1));

  private final StoreCollections collections;

  public ReadModelReads(StoreCollections collections) {
    this.collections = collections;
  }

  /** The document with this id, if any. */
  public Optional<StoredDocument> find(String readModel, String id) {
    RawBsonDocument stored = collections.readModelRaw(readModel).find(byId(id)).first();
    return stored == null ? Optional.empty() : Optional.of(ReadModelDocuments.decode(stored));
  }

  /** The documents with these distinct ids that exist, by id, in one query per 1,000 ids. */
  public Map<String, StoredDocument> findAll(String readModel, List<String> ids) {
    Map<String, StoredDocument> found = new HashMap<>();
    for (int from = 0; from < ids.size(); from += FIND_ALL_CHUNK) {
      BsonArray chunk = new BsonArray();
      ids.subList(from, Math.min(ids.size(), from + FIND_ALL_CHUNK))
          .forEach(id -> chunk.add(new BsonString(id)));
      collections.readModelRaw(readModel)
          .find(new BsonDocument(ReadModelDocuments.ID, new BsonDocument("$in", chunk)))
          .forEach(stored -> {
            StoredDocument document = ReadModelDocuments.decode(stored);
            found.put(document.id(), document);
          });
    }
    return found;
  }

  /** The documents whose index has exactly this value, in id order, through the index. */
  public List<StoredDocument> findByIndex(String readModel, String index, String value) {
    BsonDocument filter =
        new BsonDocument(ReadModelDocuments.indexField(index), new BsonString(value));
    return decodeAll(collections.readModelRaw(readModel).find(filter).sort(BY_ID));
  }

  /** How many documents the read model holds. */
  public long count(String readModel) {
    return collections.readModel(readModel).countDocuments();
  }

  /** Up to {@code limit} documents with ids after {@code afterId}, in id order. */
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    BsonDocument filter = afterId == null ? new BsonDocument()
        : new BsonDocument(ReadModelDocuments.ID, new BsonDocument("$gt", new BsonString(afterId)));
    return decodeAll(collections.readModelRaw(readModel).find(filter).sort(BY_ID).limit(limit));
  }

  private static BsonDocument byId(String id) {
    return new BsonDocument(ReadModelDocuments.ID, new BsonString(id));
  }

  private static List<StoredDocument> decodeAll(Iterable<RawBsonDocument> found) {
    List<StoredDocument> documents = new ArrayList<>();
    found.forEach(stored -> documents.add(ReadModelDocuments.decode(stored)));
    return documents;
  }
}
