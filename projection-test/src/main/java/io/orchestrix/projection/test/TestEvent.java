package io.orchestrix.projection.test;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A payload with the stream it belongs to and optional metadata, for a scenario to wrap in an
 * envelope (the kit fills in the event id, the position and the time). Immutable.
 *
 * <pre>{@code
 * fixture.given(TestEvent.in("order-1", new OrderPlaced("order-1", "Ann")))
 * }</pre>
 *
 * @param streamId the stream, not blank
 * @param payload the event
 * @param metadata the envelope's metadata (copied)
 */
public record TestEvent(String streamId, Object payload, Map<String, String> metadata) {

  /**
   * Checks the components; the metadata is copied.
   *
   * @param streamId the stream, not blank
   * @param payload the event; not null
   * @param metadata the envelope's metadata; not null
   * @throws IllegalArgumentException if the stream id is blank
   */
  public TestEvent {
    Objects.requireNonNull(streamId, "streamId must not be null");
    Objects.requireNonNull(payload, "payload must not be null");
    Objects.requireNonNull(metadata, "metadata must not be null");
    if (streamId.isBlank()) {
      throw new IllegalArgumentException("streamId must not be blank (payload " + payload + ")");
    }
    metadata = Map.copyOf(metadata);
  }

  /**
   * The payload in the given stream, with no metadata.
   *
   * @param streamId the stream, not blank
   * @param payload the event; not null
   * @return the test event
   */
  public static TestEvent in(String streamId, Object payload) {
    return new TestEvent(streamId, payload, Map.of());
  }

  /**
   * This event with one more metadata entry.
   *
   * @param key the metadata key; not null
   * @param value its value; not null
   * @return a copy of this event with the entry added or replaced
   */
  public TestEvent withMetadata(String key, String value) {
    HashMap<String, String> copy = new HashMap<>(metadata);
    copy.put(Objects.requireNonNull(key, "key must not be null"),
        Objects.requireNonNull(value, "value must not be null"));
    return new TestEvent(streamId, payload, copy);
  }
}
