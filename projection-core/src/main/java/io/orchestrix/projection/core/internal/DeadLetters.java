package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/**
 * Makes the dead letters of one projection, under the key of the writer (the projection, or one of its
 * partitions) that keeps them: failed events with their error, and parked events that wait behind an
 * earlier dead letter of their stream. Thread-safe; stateless apart from its configuration.
 */
final class DeadLetters {

  private final EnvelopeJson envelopeJson;

  DeadLetters(EnvelopeJson envelopeJson) {
    this.envelopeJson = envelopeJson;
  }

  /** The dead letter of an event whose handler failed on every attempt. */
  DeadLetter failed(String writerKey, EventEnvelope<?> event, HandlerFailedException failure, int attempts,
      Instant firstFailureAt, Instant now) {
    Throwable cause = causeOf(failure);
    return new DeadLetter(writerKey, event.position(), event.eventId(), event.streamId(),
        event.payload().getClass().getName(), envelopeJson.write(event), failure.handler(),
        cause.getClass().getName(), String.valueOf(cause.getMessage()), stackTrace(cause), attempts,
        firstFailureAt, now);
  }

  /** The dead letter of an event parked behind an earlier dead letter of its stream. */
  DeadLetter parked(String writerKey, EventEnvelope<?> event, Instant now) {
    return new DeadLetter(writerKey, event.position(), event.eventId(), event.streamId(),
        event.payload().getClass().getName(), envelopeJson.write(event), "", DeadLetter.PARKED,
        "waiting behind an earlier dead letter of stream " + event.streamId(), "", 0, now, now);
  }

  /** A stored dead letter after one more failed attempt. */
  static DeadLetter failedAgain(DeadLetter letter, HandlerFailedException failure, Instant now) {
    Throwable cause = causeOf(failure);
    return letter.failedAgain(failure.handler(), cause.getClass().getName(),
        String.valueOf(cause.getMessage()), stackTrace(cause), now);
  }

  /** The stored envelope of a dead letter, read through the current event types and upcasters. */
  EventEnvelope<Object> envelope(DeadLetter letter) {
    return envelopeJson.read(letter.envelopeJson());
  }

  private static Throwable causeOf(HandlerFailedException failure) {
    return failure.getCause() == null ? failure : failure.getCause();
  }

  private static String stackTrace(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }
}
