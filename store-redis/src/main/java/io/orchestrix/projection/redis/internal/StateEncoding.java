package io.orchestrix.projection.redis.internal;

import io.orchestrix.projection.ProjectionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A projection's state as the fields of its state hash. The hash also holds the fencing token
 * ({@value #TOKEN}), which only {@code claim_writer.lua} changes. Stateless and thread-safe.
 */
public final class StateEncoding {

  public static final String POSITION = "pos";
  public static final String TOKEN = "tok";
  static final String EVENT_ID = "eid";
  static final String ERROR_COUNT = "errs";
  static final String HEALTHY = "healthy";
  static final String LAST_ERROR = "lerr";
  static final String FAILED_POSITION = "fpos";
  static final String UPDATED_AT = "upd";

  private StateEncoding() {}

  /** The fields to set, as field, value pairs. */
  public static List<byte[]> fieldsToSet(ProjectionState state) {
    List<byte[]> fields = new ArrayList<>(14);
    add(fields, POSITION, Long.toString(state.lastProcessedPosition()));
    if (state.lastProcessedEventId() != null) {
      add(fields, EVENT_ID, state.lastProcessedEventId());
    }
    add(fields, ERROR_COUNT, Long.toString(state.errorCount()));
    add(fields, HEALTHY, state.healthy() ? "1" : "0");
    if (state.lastError() != null) {
      add(fields, LAST_ERROR, state.lastError());
    }
    add(fields, FAILED_POSITION, Long.toString(state.failedPosition()));
    add(fields, UPDATED_AT, state.updatedAt().toString());
    return fields;
  }

  /** The fields to delete because the state's value is null. */
  public static List<byte[]> fieldsToDelete(ProjectionState state) {
    List<byte[]> fields = new ArrayList<>(2);
    if (state.lastProcessedEventId() == null) {
      fields.add(KeyLayout.bytes(EVENT_ID));
    }
    if (state.lastError() == null) {
      fields.add(KeyLayout.bytes(LAST_ERROR));
    }
    return fields;
  }

  /**
   * The state a hash holds, empty if it holds none.
   *
   * @throws IllegalArgumentException if a field cannot be read
   */
  public static Optional<ProjectionState> decode(String projectionId, Map<String, String> hash) {
    String position = hash.get(POSITION);
    if (position == null) {
      return Optional.empty();
    }
    return Optional.of(new ProjectionState(
        projectionId,
        hash.get(EVENT_ID),
        Long.parseLong(position),
        Long.parseLong(required(hash, ERROR_COUNT)),
        "1".equals(required(hash, HEALTHY)),
        hash.get(LAST_ERROR),
        Long.parseLong(required(hash, FAILED_POSITION)),
        Instant.parse(required(hash, UPDATED_AT))));
  }

  private static String required(Map<String, String> hash, String field) {
    String value = hash.get(field);
    if (value == null) {
      throw new IllegalArgumentException("field '" + field + "' is missing");
    }
    return value;
  }

  private static void add(List<byte[]> fields, String field, String value) {
    fields.add(KeyLayout.bytes(field));
    fields.add(KeyLayout.bytes(value));
  }
}
