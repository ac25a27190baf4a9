package io.orchestrix.projection;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event of an ordered stream, as a projection sees it: the user's own payload plus where it sits
 * in the stream.
 *
 * <p>{@code position} is the global position in the event source: strictly increasing within a source,
 * not necessarily contiguous, and at least 1. A projection's checkpoint is the position of the last
 * event it applied, so an envelope whose position is at or below the checkpoint is skipped.
 *
 * <p>Immutable and thread-safe if the payload is. The constructor rejects null components, a blank
 * event id or stream id, and a position below 1 with {@link IllegalArgumentException} or
 * {@link NullPointerException} naming the component.
 *
 * @param eventId unique id of the event, stable across redeliveries
 * @param streamId id of the stream (aggregate) the event belongs to
 * @param position global position in the source, at least 1
 * @param occurredAt when the event was recorded
 * @param metadata free-form string metadata (copied, unmodifiable)
 * @param payload the event itself, usually a record of the user's
 * @param <E> the payload type
 */
public record EventEnvelope<E>(
    String eventId,
    String streamId,
    long position,
    Instant occurredAt,
    Map<String, String> metadata,
    E payload) {

  /**
   * Checks the components; the metadata is copied.
   *
   * @param eventId unique id of the event, not blank
   * @param streamId id of the stream the event belongs to, not blank
   * @param position global position in the source, at least 1
   * @param occurredAt when the event was recorded; not null
   * @param metadata free-form string metadata; not null
   * @param payload the event itself; not null
   * @throws IllegalArgumentException if an id is blank or the position below 1
   */
  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId must not be null");
    Objects.requireNonNull(streamId, "streamId must not be null");
    Objects.requireNonNull(occurredAt, "occurredAt must not be null");
    Objects.requireNonNull(metadata, "metadata must not be null");
    Objects.requireNonNull(payload, "payload must not be null (event " + eventId + ")");
    if (eventId.isBlank()) {
      throw new IllegalArgumentException("eventId must not be blank");
    }
    if (streamId.isBlank()) {
      throw new IllegalArgumentException("streamId must not be blank (event " + eventId + ")");
    }
    if (position < 1) {
      throw new IllegalArgumentException(
          "position must be at least 1 but was " + position + " (event " + eventId + ")");
    }
    metadata = Map.copyOf(metadata);
  }

  /**
   * {@return an envelope with no metadata}
   *
   * @param <E> the payload type
   * @param eventId unique id of the event, not blank
   * @param streamId id of the stream the event belongs to, not blank
   * @param position global position in the source, at least 1
   * @param occurredAt when the event was recorded; not null
   * @param payload the event itself; not null
   */
  public static <E> EventEnvelope<E> of(
      String eventId, String streamId, long position, Instant occurredAt, E payload) {
    return new EventEnvelope<>(eventId, streamId, position, occurredAt, Map.of(), payload);
  }

  /**
   * {@return the payload's class name without its package, as used in error messages and metrics}
   */
  public String payloadTypeName() {
    return payload.getClass().getSimpleName();
  }
}
