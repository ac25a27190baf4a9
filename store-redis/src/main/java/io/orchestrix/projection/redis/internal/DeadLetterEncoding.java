package io.orchestrix.projection.redis.internal;

import io.orchestrix.projection.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A dead letter as the fields of its own hash; its projection and position are in the key. Stateless
 * and thread-safe.
 */
public final class DeadLetterEncoding {

  private static final String EVENT_ID = "eventId";
  private static final String STREAM_ID = "streamId";
  private static final String EVENT_TYPE = "eventType";
  private static final String ENVELOPE = "envelope";
  private static final String HANDLER = "handler";
  private static final String ERROR_TYPE = "errorType";
  private static final String ERROR_MESSAGE = "errorMessage";
  private static final String STACK_TRACE = "stackTrace";
  private static final String ATTEMPTS = "attempts";
  private static final String FIRST_FAILURE = "firstFailureAt";
  private static final String LAST_FAILURE = "lastFailureAt";

  private DeadLetterEncoding() {}

  /** The fields of a dead letter, as field, value pairs. */
  public static List<byte[]> fields(DeadLetter letter) {
    List<byte[]> fields = new ArrayList<>(22);
    add(fields, EVENT_ID, letter.eventId());
    add(fields, STREAM_ID, letter.streamId());
    add(fields, EVENT_TYPE, letter.eventType());
    add(fields, ENVELOPE, letter.envelopeJson());
    add(fields, HANDLER, letter.handler());
    add(fields, ERROR_TYPE, letter.errorType());
    add(fields, ERROR_MESSAGE, letter.errorMessage());
    add(fields, STACK_TRACE, letter.stackTrace());
    add(fields, ATTEMPTS, Integer.toString(letter.attempts()));
    add(fields, FIRST_FAILURE, letter.firstFailureAt().toString());
    add(fields, LAST_FAILURE, letter.lastFailureAt().toString());
    return fields;
  }

  /**
   * The dead letter a hash holds.
   *
   * @throws IllegalArgumentException if a field is missing or cannot be read
   */
  public static DeadLetter decode(String projectionId, long position, Map<String, String> hash) {
    return new DeadLetter(projectionId, position, required(hash, EVENT_ID),
        required(hash, STREAM_ID), required(hash, EVENT_TYPE), required(hash, ENVELOPE),
        required(hash, HANDLER), required(hash, ERROR_TYPE), required(hash, ERROR_MESSAGE),
        required(hash, STACK_TRACE), Integer.parseInt(required(hash, ATTEMPTS)),
        Instant.parse(required(hash, FIRST_FAILURE)), Instant.parse(required(hash, LAST_FAILURE)));
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
