package io.orchestrix.projection.mongo.internal;

import io.orchestrix.projection.ProjectionState;
import java.time.Instant;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The layout of a projection's state document, one per projection in the state collection:
 *
 * <pre>
 * { _id: "&lt;projection id&gt;", checkpoint: &lt;int64&gt;, writerToken: &lt;int64&gt;,
 *   lastProcessedEventId: "..."|null, errorCount: &lt;int64&gt;, healthy: &lt;bool&gt;,
 *   lastError: "..."|null, failedPosition: &lt;int64&gt;, updatedAt: "&lt;ISO-8601 instant&gt;" }
 * </pre>
 *
 * {@code updatedAt} is kept as ISO-8601 text so that it reads back to the nanosecond. The writer token
 * is only ever incremented, by {@code claimWriter}; saving a state never touches it. Thread-safe.
 */
public final class StateDocuments {

  /** The projection id. */
  public static final String ID = "_id";
  /** The checkpoint: position of the last committed event. */
  public static final String CHECKPOINT = "checkpoint";
  /** The current fencing token. */
  public static final String WRITER_TOKEN = "writerToken";

  private StateDocuments() {}

  /** The state's fields except the id and the writer token, for a {@code $set} or an insert. */
  public static BsonDocument fields(ProjectionState state) {
    return new BsonDocument()
        .append(CHECKPOINT, new BsonInt64(state.lastProcessedPosition()))
        .append("lastProcessedEventId", text(state.lastProcessedEventId()))
        .append("errorCount", new BsonInt64(state.errorCount()))
        .append("healthy", BsonBoolean.valueOf(state.healthy()))
        .append("lastError", text(state.lastError()))
        .append("failedPosition", new BsonInt64(state.failedPosition()))
        .append("updatedAt", new BsonString(state.updatedAt().toString()));
  }

  /** The state a stored document holds. */
  public static ProjectionState state(BsonDocument stored) {
    return new ProjectionState(
        stored.getString(ID).getValue(),
        textOrNull(stored.get("lastProcessedEventId")),
        checkpoint(stored),
        stored.getNumber("errorCount").longValue(),
        stored.getBoolean("healthy").getValue(),
        textOrNull(stored.get("lastError")),
        stored.getNumber("failedPosition").longValue(),
        Instant.parse(stored.getString("updatedAt").getValue()));
  }

  /**
   * The stored checkpoint, 0 if none.
   *
   * @throws IllegalStateException if the field holds something else than a number
   */
  public static long checkpoint(@Nullable BsonDocument stored) {
    return number(stored, CHECKPOINT);
  }

  /**
   * The stored writer token, 0 if none was ever claimed.
   *
   * @throws IllegalStateException if the field holds something else than a number
   */
  public static long writerToken(@Nullable BsonDocument stored) {
    return number(stored, WRITER_TOKEN);
  }

  private static long number(@Nullable BsonDocument stored, String field) {
    if (stored == null || !stored.containsKey(field)) {
      return 0;
    }
    if (!stored.isNumber(field)) {
      throw new IllegalStateException("the stored state of projection " + stored.get(ID)
          + " holds a " + stored.get(field).getBsonType() + " as its " + field
          + " (was it written outside the store?)");
    }
    return stored.getNumber(field).longValue();
  }

  private static BsonValue text(@Nullable String value) {
    return value == null ? BsonNull.VALUE : new BsonString(value);
  }

  private static @Nullable String textOrNull(@Nullable BsonValue value) {
    return value == null || value.isNull() ? null : value.asString().getValue();
  }
}
