package io.orchestrix.projection.mongo.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.ReturnDocument;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.util.Optional;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The store's collections and indexes, created idempotently, and the checks made before the store
 * uses them: the stored schema version, and the simple (binary) collation every comparison of ids and
 * index values relies on. Safe to run from several stores and processes at once. Thread-safe.
 */
public final class StoreSchema {

  /**
   * The version of the collection layout this code writes. A store refuses data whose stored version
   * is newer, since it cannot know what a newer layout means. Partitions and leases left it at 1:
   * a document without {@code latest.partition} is one no partition keeps, which is what every
   * document stored before was, and code that predates them skips the field when reading and writes
   * documents no partition keeps, so either code reads the other's data correctly.
   */
  public static final int VERSION = 1;

  private static final int DUPLICATE_KEY = 11000;
  private static final int NAMESPACE_EXISTS = 48;

  private final MongoClient client;
  private final StoreCollections collections;
  private final String description;

  /**
   * @param description the store's description, for messages
   */
  public StoreSchema(MongoClient client, StoreCollections collections, String description) {
    this.client = client;
    this.collections = collections;
    this.description = description;
  }

  /**
   * Checks that the server answers, the stored schema version, and creates the state, dead-letter
   * and lease collections and the dead letters' index if missing.
   *
   * @throws StoreConfigurationException if the stored schema is newer than this code or a store
   *     collection compares strings by another collation than the simple one
   */
  public void open() {
    collections.database().runCommand(new BsonDocument("ping", new BsonInt32(1)));
    checkVersion();
    createCollectionIfMissing(collections.state().getNamespace().getCollectionName());
    createCollectionIfMissing(collections.deadLetters().getNamespace().getCollectionName());
    createCollectionIfMissing(collections.leases().getNamespace().getCollectionName());
    collections.deadLetters().createIndex(
        new BsonDocument(DeadLetterDocuments.PROJECTION_ID, new BsonInt32(1))
            .append(DeadLetterDocuments.POSITION, new BsonInt32(1)),
        new IndexOptions().name("projection_position").unique(true));
    requireSimpleCollation(collections.meta().getNamespace().getCollectionName());
    requireSimpleCollation(collections.state().getNamespace().getCollectionName());
    requireSimpleCollation(collections.deadLetters().getNamespace().getCollectionName());
    requireSimpleCollation(collections.leases().getNamespace().getCollectionName());
  }

  /**
   * Creates a read model's collection and one index per declared index,
   * {@code {latest.index.<name>: 1, _id: 1}} named {@code index_<name>}, if missing.
   *
   * @throws StoreConfigurationException if the collection compares strings by another collation than
   *     the simple one
   */
  public void prepareReadModel(ReadModelSchema schema) {
    String name = collections.readModelCollectionName(schema.name());
    createCollectionIfMissing(name);
    requireSimpleCollation(name);
    for (String index : schema.indexes()) {
      collections.readModel(schema.name()).createIndex(
          new BsonDocument(ReadModelDocuments.indexField(index), new BsonInt32(1))
              .append(ReadModelDocuments.ID, new BsonInt32(1)),
          new IndexOptions().name("index_" + index));
    }
  }

  /**
   * Why the deployment cannot run the transactional mode, or empty if it can: by topology, then by how
   * a real transaction behaves (see {@link TransactionProbe}).
   */
  public Optional<String> transactionObstacle() {
    Optional<String> topology = TransactionProbe.topologyObstacle(client.getClusterDescription());
    return topology.isPresent()
        ? topology
        : TransactionProbe.behaviourObstacle(client, collections.state());
  }

  private void checkVersion() {
    BsonDocument byId = new BsonDocument("_id", new BsonString("schema"));
    BsonDocument stored;
    try {
      stored = collections.meta().findOneAndUpdate(byId,
          new BsonDocument("$setOnInsert", new BsonDocument("version", new BsonInt32(VERSION))),
          new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != DUPLICATE_KEY) {
        throw e;
      }
      stored = collections.meta().find(byId).first(); // another store created it at the same time
    }
    int version = stored == null || !stored.isNumber("version")
        ? VERSION : stored.getNumber("version").intValue();
    if (version > VERSION) {
      throw new StoreConfigurationException("MongoDB store " + description + ": the stored schema"
          + " (collection " + collections.meta().getNamespace().getCollectionName() + ") has version "
          + version + ", newer than this code's version " + VERSION
          + "; upgrade store-mongo before opening these collections", null);
    }
  }

  private void createCollectionIfMissing(String name) {
    try {
      collections.database().createCollection(name);
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != NAMESPACE_EXISTS) { // another store or process created it
        throw e;
      }
    }
  }

  private void requireSimpleCollation(String name) {
    BsonDocument listed = collections.database()
        .listCollections(BsonDocument.class)
        .filter(new BsonDocument("name", new BsonString(name)))
        .first();
    String problem = collationProblem(listed);
    if (problem != null) {
      throw new StoreConfigurationException("MongoDB store " + description + ": collection '" + name
          + "' " + problem, null);
    }
  }

  /**
   * Why a collection, as {@code listCollections} describes it, cannot hold the store's data exactly,
   * or null: a default collation other than the simple one would compare ids and index values by
   * language rules (case or accents ignored), so that two distinct ids could collide.
   */
  static @Nullable String collationProblem(@Nullable BsonDocument listed) {
    if (listed == null || !listed.isDocument("options")
        || !listed.getDocument("options").isDocument("collation")) {
      return null;
    }
    BsonDocument collation = listed.getDocument("options").getDocument("collation");
    BsonValue locale = collation.get("locale");
    if (locale != null && locale.isString() && locale.asString().getValue().equals("simple")) {
      return null;
    }
    return "has the default collation " + collation.toJson() + "; the store compares ids and index"
        + " values byte for byte and needs collections without a collation (or with locale"
        + " 'simple'): drop it or use another collection prefix";
  }
}
