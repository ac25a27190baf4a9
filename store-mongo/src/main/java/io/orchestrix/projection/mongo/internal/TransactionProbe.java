package io.orchestrix.projection.mongo.internal;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.connection.ClusterDescription;
import com.mongodb.connection.ClusterType;
import java.util.Optional;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out whether multi-document transactions really work on the connected deployment, by topology
 * and by behaviour. A server that accepts {@code startTransaction()} but ignores or refuses what
 * follows (the in-process test server does both) must not be trusted with them. Thread-safe;
 * stateless.
 */
public final class TransactionProbe {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionProbe.class);

  private TransactionProbe() {}

  /**
   * Why the topology rules transactions out, or empty if it allows them: a replica set or sharded
   * cluster with logical sessions. Call after the first successful round trip.
   */
  public static Optional<String> topologyObstacle(ClusterDescription cluster) {
    ClusterType type = cluster.getType();
    if (type != ClusterType.REPLICA_SET && type != ClusterType.SHARDED) {
      return Optional.of("the deployment is a " + type + " server, not a replica set or sharded"
          + " cluster");
    }
    if (cluster.getLogicalSessionTimeoutMinutes() == null) {
      return Optional.of("the deployment does not support logical sessions");
    }
    return Optional.empty();
  }

  /**
   * Why a real transaction misbehaved, or empty if it behaved: inserts a sentinel document inside a
   * transaction, checks from outside that it is invisible, aborts, and checks it is still absent. Any
   * exception but an outage means no transactions; an outage is thrown, since it says nothing about
   * transactions. Leaves no sentinel behind when the server allows deleting it.
   *
   * @param collection a collection that exists and whose ids never look like {@code txn-probe:<uuid>}
   */
  public static Optional<String> behaviourObstacle(
      MongoClient client, MongoCollection<BsonDocument> collection) {
    BsonString sentinelId = new BsonString("txn-probe:" + UUID.randomUUID());
    BsonDocument byId = new BsonDocument("_id", sentinelId);
    try {
      try (ClientSession session = client.startSession()) {
        session.startTransaction();
        try {
          collection.insertOne(session, new BsonDocument("_id", sentinelId));
          if (collection.find(byId).first() != null) {
            return Optional.of("a write inside an uncommitted transaction was visible outside it");
          }
        } finally {
          if (session.hasActiveTransaction()) {
            session.abortTransaction();
          }
        }
      }
      if (collection.find(byId).first() != null) {
        return Optional.of("a write of an aborted transaction stayed in the database");
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      if (StoreErrors.isTransient(e)) {
        throw e; // an outage says nothing about transactions: opening fails and may be retried
      }
      return Optional.of("a transaction failed: " + e);
    } finally {
      deleteQuietly(collection, sentinelId);
    }
  }

  private static void deleteQuietly(MongoCollection<BsonDocument> collection, BsonString id) {
    try {
      collection.deleteOne(Filters.eq("_id", id));
    } catch (RuntimeException cleanupFailure) {
      // The probe's verdict stands either way; a leftover sentinel has an id no projection can have.
      LOG.debug("could not delete the transaction probe's sentinel {}", id.getValue(), cleanupFailure);
    }
  }
}
