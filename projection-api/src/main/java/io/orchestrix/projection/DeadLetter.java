package io.orchestrix.projection;

import java.time.Instant;
import java.util.Objects;

/**
 * An event a projection could not apply, kept in the projection's store with its error so that it can
 * be inspected, retried or discarded. Immutable. A dead letter is identified by its projection id and
 * position.
 *
 * <p>Dead letters are sequenced per stream: once an event of a stream is dead-lettered, the later
 * events of that stream are <em>parked</em> behind it, in order, instead of being applied, so a read
 * model never sees a stream's events out of order. A parked event is a dead letter whose
 * {@link #errorType()} is {@link #PARKED}; it is applied when the events ahead of it are retried
 * successfully or discarded.
 *
 * <p>The texts are kept by every store alike: U+0000 and unpaired surrogates become U+FFFD in the
 * error message and stack trace, and {@code \}{@code u} escapes in the envelope's JSON, which reads
 * back the same.
 *
 * @param projectionId the projection that failed
 * @param position the event's position
 * @param eventId the event's id
 * @param streamId the event's stream
 * @param eventType the payload's class name
 * @param envelopeJson the whole envelope (metadata, payload and its type) as JSON, enough to retry it
 * @param handler the name of the handler that failed
 * @param errorType the class name of the handler's exception
 * @param errorMessage the exception's message, empty if it had none
 * @param stackTrace the exception's stack trace
 * @param attempts how many times the event was attempted
 * @param firstFailureAt when it first failed
 * @param lastFailureAt when it last failed
 */
public record DeadLetter(
    String projectionId,
    long position,
    String eventId,
    String streamId,
    String eventType,
    String envelopeJson,
    String handler,
    String errorType,
    String errorMessage,
    String stackTrace,
    int attempts,
    Instant firstFailureAt,
    Instant lastFailureAt) {

  /**
   * Checks the components and makes the texts storable (see above).
   *
   * @param projectionId the projection that failed; not null
   * @param position the event's position, at least 1
   * @param eventId the event's id; not null
   * @param streamId the event's stream; not null
   * @param eventType the payload's class name; not null
   * @param envelopeJson the whole envelope as JSON; not null
   * @param handler the name of the handler that failed; not null
   * @param errorType the class name of the handler's exception, or {@link #PARKED}; not null
   * @param errorMessage the exception's message, empty if none; not null
   * @param stackTrace the exception's stack trace; not null
   * @param attempts how many times the event was attempted, 0 or more
   * @param firstFailureAt when it first failed; not null
   * @param lastFailureAt when it last failed; not null
   * @throws IllegalArgumentException if the position is below 1 or attempts negative
   */
  public DeadLetter {
    Objects.requireNonNull(projectionId, "projectionId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(envelopeJson, "envelopeJson");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(errorType, "errorType");
    Objects.requireNonNull(errorMessage, "errorMessage");
    Objects.requireNonNull(stackTrace, "stackTrace");
    Objects.requireNonNull(firstFailureAt, "firstFailureAt");
    Objects.requireNonNull(lastFailureAt, "lastFailureAt");
    envelopeJson = FreeText.storableJson(envelopeJson);
    errorMessage = FreeText.storable(errorMessage);
    stackTrace = FreeText.storable(stackTrace);
    if (position < 1) {
      throw new IllegalArgumentException("position must be at least 1 but was " + position);
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must not be negative but was " + attempts);
    }
  }

  /** The {@link #errorType()} of a parked event: one that waits behind an earlier dead letter. */
  public static final String PARKED = "parked";

  /**
   * {@return whether this event waits behind an earlier dead letter of its stream rather than
   * failed itself}
   */
  public boolean isParked() {
    return PARKED.equals(errorType);
  }

  /**
   * {@return this dead letter after one more failed attempt}
   *
   * @param handler the name of the handler that failed this time; not null
   * @param errorType the class name of its exception; not null
   * @param errorMessage the exception's message, empty if none; not null
   * @param stackTrace the exception's stack trace; not null
   * @param at when it failed; also the first failure's time if the event was only parked until now
   */
  public DeadLetter failedAgain(String handler, String errorType, String errorMessage,
      String stackTrace, Instant at) {
    return new DeadLetter(projectionId, position, eventId, streamId, eventType, envelopeJson,
        handler, errorType, errorMessage, stackTrace, attempts + 1,
        isParked() ? at : firstFailureAt, at);
  }
}
