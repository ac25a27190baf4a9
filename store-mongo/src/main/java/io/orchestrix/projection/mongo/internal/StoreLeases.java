package io.orchestrix.projection.mongo.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import io.orchestrix.projection.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Leases in the lease collection, one document per group and resource, judged by the server's clock
 * alone:
 *
 * <pre>
 * { _id: "&lt;group&gt; &lt;resource&gt;", group, resource,
 *   owner: "&lt;owner&gt;",          // missing once released
 *   epoch: &lt;int64&gt;,            // +1 each time the lease is taken afresh; kept by a renewal in time
 *   renewedAt: &lt;date&gt;,         // the server's time of the last take or renewal ($currentDate)
 *   ttlMillis: &lt;int64&gt; }       // expires at renewedAt + ttlMillis, by the server's clock
 * </pre>
 *
 * A lease is live while {@code renewedAt + ttlMillis > $$NOW}, evaluated by the server in an
 * {@code $expr} filter of the very write that takes or renews it, so that no node's clock is ever
 * read. The store never computes a time itself: {@code renewedAt} comes from {@code $currentDate} and
 * the time a listing is answered from {@code $$NOW}. This needs MongoDB 4.2 or later ({@code $$NOW});
 * it avoids update pipelines, which the in-process test server does not run, and never combines
 * {@code $expr} with an upsert, which MongoDB refuses.
 *
 * <p>Acquiring tries, each an atomic single-document write: (1) a renewal, matching the lease held
 * by the owner and live; (2) a take-over, matching the lease if expired, which increments its epoch;
 * (3) a creation, an upsert matching the lease only if nobody holds it (no document, or released),
 * which increments its epoch too, and collides on {@code _id} if someone does. After a collision a
 * read by the same live test decides whether another owner holds it; only if it expired or was
 * released meanwhile are the steps tried again. The document is never deleted, so an epoch only ever
 * grows. The {@code _id} puts the group first and a space after it (no group or resource holds a
 * character below {@code #}), so a group's leases are one range of {@code _id}, in resource order.
 *
 * <p>Thread-safe: every call works on its own arguments.
 */
public final class StoreLeases {

  static final String GROUP = "group";
  static final String RESOURCE = "resource";
  static final String OWNER = "owner";
  static final String EPOCH = "epoch";
  static final String RENEWED_AT = "renewedAt";
  static final String TTL_MILLIS = "ttlMillis";

  private static final int DUPLICATE_KEY = 11000;
  private static final int ATTEMPTS = 3;
  private static final FindOneAndUpdateOptions RETURN_AFTER =
      new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
  private static final FindOneAndUpdateOptions UPSERT_AND_RETURN_AFTER =
      new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER);

  private final MongoCollection<BsonDocument> leases;

  public StoreLeases(MongoCollection<BsonDocument> leases) {
    this.leases = leases;
  }

  /** See {@code ProjectionStore.acquireLease}; the arguments are checked. */
  public Optional<Lease> acquire(String group, String resource, String owner, Duration ttl) {
    BsonString id = new BsonString(id(group, resource));
    BsonDocument byId = new BsonDocument("_id", id);
    BsonInt64 ttlMillis = new BsonInt64(ttl.toMillis());
    BsonDocument renewedNow = new BsonDocument("$currentDate",
        new BsonDocument(RENEWED_AT, BsonBoolean.TRUE));
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      BsonDocument renewed = leases.findOneAndUpdate(
          byId.clone().append(OWNER, new BsonString(owner)).append("$expr", live()),
          renewedNow.clone().append("$set", new BsonDocument(TTL_MILLIS, ttlMillis)), RETURN_AFTER);
      if (renewed != null) {
        return Optional.of(lease(renewed, null));
      }
      BsonDocument taken = renewedNow.clone()
          .append("$set", new BsonDocument(GROUP, new BsonString(group))
              .append(RESOURCE, new BsonString(resource))
              .append(OWNER, new BsonString(owner))
              .append(TTL_MILLIS, ttlMillis))
          .append("$inc", new BsonDocument(EPOCH, new BsonInt64(1)));
      BsonDocument takenOver = leases.findOneAndUpdate(
          byId.clone().append("$expr", expired()), taken, RETURN_AFTER);
      if (takenOver != null) {
        return Optional.of(lease(takenOver, null));
      }
      BsonDocument created = createIfFree(byId, taken);
      if (created != null) {
        return Optional.of(lease(created, null));
      }
      BsonDocument heldByAnother = leases.find(byId.clone()
          .append(OWNER, new BsonDocument("$exists", BsonBoolean.TRUE)
              .append("$ne", new BsonString(owner)))
          .append("$expr", live())).first();
      if (heldByAnother != null) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Takes a lease nobody holds (no document, or released), or null if somebody holds it. */
  private @Nullable BsonDocument createIfFree(BsonDocument byId, BsonDocument taken) {
    try {
      return leases.findOneAndUpdate(
          byId.clone().append(OWNER, new BsonDocument("$exists", BsonBoolean.FALSE)),
          taken, UPSERT_AND_RETURN_AFTER);
    } catch (MongoCommandException | MongoWriteException e) {
      if (errorCode(e) != DUPLICATE_KEY) {
        throw e;
      }
      return null;
    }
  }

  /** See {@code ProjectionStore.releaseLease}; the arguments are checked. */
  public boolean release(String group, String resource, String owner) {
    return leases.updateOne(
        new BsonDocument("_id", new BsonString(id(group, resource)))
            .append(OWNER, new BsonString(owner)),
        new BsonDocument("$unset", new BsonDocument(OWNER, new BsonString(""))))
        .getMatchedCount() > 0;
  }

  /**
   * See {@code ProjectionStore.leases}: the leases held (expired or not) in resource order, each with
   * the time it had left at the server's {@code $$NOW} when it answered.
   */
  public List<Lease> list(String group) {
    BsonDocument match = new BsonDocument("_id",
        new BsonDocument("$gte", new BsonString(group + " ")).append("$lt", new BsonString(group + "!")))
        .append(OWNER, new BsonDocument("$exists", BsonBoolean.TRUE));
    List<BsonDocument> pipeline = List.of(
        new BsonDocument("$match", match),
        new BsonDocument("$sort", new BsonDocument("_id", new BsonInt64(1))),
        new BsonDocument("$addFields", new BsonDocument("now", new BsonString("$$NOW"))));
    List<Lease> listed = new ArrayList<>();
    for (BsonDocument stored : leases.aggregate(pipeline)) {
      listed.add(lease(stored, Instant.ofEpochMilli(stored.getDateTime("now").getValue())));
    }
    return listed;
  }

  /**
   * The lease a document describes.
   *
   * @param now the server's time it answered at, or null for the document of a take or renewal, which
   *     the server answered at its {@code renewedAt}
   */
  private static Lease lease(BsonDocument stored, @Nullable Instant now) {
    Instant renewedAt = Instant.ofEpochMilli(stored.getDateTime(RENEWED_AT).getValue());
    Instant expiresAt = renewedAt.plusMillis(stored.getNumber(TTL_MILLIS).longValue());
    return new Lease(stored.getString(GROUP).getValue(), stored.getString(RESOURCE).getValue(),
        stored.getString(OWNER).getValue(), stored.getNumber(EPOCH).longValue(), expiresAt,
        Duration.between(now == null ? renewedAt : now, expiresAt));
  }

  /** {@code renewedAt + ttlMillis > $$NOW}, by the server's clock. */
  private static BsonDocument live() {
    return new BsonDocument("$gt", new BsonArray(List.of(expiresAt(), new BsonString("$$NOW"))));
  }

  /** {@code renewedAt + ttlMillis <= $$NOW}, by the server's clock. */
  private static BsonDocument expired() {
    return new BsonDocument("$lte", new BsonArray(List.of(expiresAt(), new BsonString("$$NOW"))));
  }

  private static BsonValue expiresAt() {
    return new BsonDocument("$add", new BsonArray(List.of(
        new BsonString("$" + RENEWED_AT), new BsonString("$" + TTL_MILLIS))));
  }

  private static int errorCode(RuntimeException e) {
    return e instanceof MongoWriteException write ? write.getError().getCode()
        : ((MongoCommandException) e).getErrorCode();
  }

  /** The {@code _id} of a lease: group, a space, resource. */
  static String id(String group, String resource) {
    return group + " " + resource;
  }
}
