package io.orchestrix.projection.mongo.internal;

import com.mongodb.ReadPreference;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;

/**
 * Names and handles of the store's collections in its database, all starting with the configured
 * prefix: {@code <prefix>meta} (the schema version), {@code <prefix>state} (one document per
 * projection), {@code <prefix>dead_letters}, {@code <prefix>leases}, and
 * {@code <prefix>rm_<read model>} per read model (the {@code rm_} keeps a read model named
 * {@code state} apart from the state collection). Thread-safe.
 */
public final class StoreCollections {

  private final MongoDatabase database;
  private final String prefix;
  private final MongoCollection<BsonDocument> state;
  private final MongoCollection<BsonDocument> deadLetters;
  private final MongoCollection<BsonDocument> meta;
  private final MongoCollection<BsonDocument> leases;
  private final Map<String, MongoCollection<BsonDocument>> readModels = new ConcurrentHashMap<>();

  /**
   * @param database the store's database; the store reads it from the primary whatever the
   *     connection's read preference, because the engine computes new documents and checks its
   *     checkpoint from what it reads, and a lagging secondary would give it stale ones
   */
  public StoreCollections(MongoDatabase database, String prefix) {
    database = database.withReadPreference(ReadPreference.primary());
    this.database = database;
    this.prefix = prefix;
    this.state = database.getCollection(prefix + "state", BsonDocument.class);
    this.deadLetters = database.getCollection(prefix + "dead_letters", BsonDocument.class);
    this.meta = database.getCollection(prefix + "meta", BsonDocument.class);
    this.leases = database.getCollection(prefix + "leases", BsonDocument.class);
  }

  /** The collection of store metadata: the schema version. */
  public MongoCollection<BsonDocument> meta() {
    return meta;
  }

  /** The database holding the collections. */
  public MongoDatabase database() {
    return database;
  }

  /** The collection of projection states. */
  public MongoCollection<BsonDocument> state() {
    return state;
  }

  /** The collection of leases. */
  public MongoCollection<BsonDocument> leases() {
    return leases;
  }

  /** The collection of dead letters. */
  public MongoCollection<BsonDocument> deadLetters() {
    return deadLetters;
  }

  /** The name of a read model's collection. */
  public String readModelCollectionName(String readModel) {
    return prefix + "rm_" + readModel;
  }

  /** The collection of a read model, for writes. */
  public MongoCollection<BsonDocument> readModel(String readModel) {
    return readModels.computeIfAbsent(readModel,
        name -> database.getCollection(readModelCollectionName(name), BsonDocument.class));
  }

  /** The collection of a read model, for reads that decode the raw bytes themselves. */
  public MongoCollection<RawBsonDocument> readModelRaw(String readModel) {
    return readModel(readModel).withDocumentClass(RawBsonDocument.class);
  }
}
