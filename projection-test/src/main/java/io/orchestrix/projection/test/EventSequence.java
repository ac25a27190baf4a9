package io.orchestrix.projection.test;

import io.orchestrix.projection.EventEnvelope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns what a test gives (payloads, {@link TestEvent}s, ready envelopes) into envelopes: positions
 * continue from the last one, event ids are {@code evt-<position>}, times come from the fixture's
 * clock, a plain payload goes to the stream the fixture's stream function names. Not thread-safe.
 */
final class EventSequence {

  private final Function<Object, String> streamOf;
  private final Clock clock;
  private long lastPosition;

  EventSequence(Function<Object, String> streamOf, Clock clock) {
    this.streamOf = streamOf;
    this.clock = clock;
  }

  List<EventEnvelope<?>> next(Object... events) {
    Objects.requireNonNull(events, "events must not be null");
    List<EventEnvelope<?>> envelopes = new ArrayList<>(events.length);
    for (int i = 0; i < events.length; i++) {
      Object event = events[i];
      if (event == null) {
        throw new IllegalArgumentException("event " + (i + 1) + " of " + events.length + " is null");
      }
      EventEnvelope<?> envelope = envelope(event);
      if (envelope.position() <= lastPosition) {
        throw new IllegalArgumentException("envelope " + envelope.eventId() + " has position "
            + envelope.position() + ", not after the previous event's " + lastPosition);
      }
      lastPosition = envelope.position();
      envelopes.add(envelope);
    }
    return envelopes;
  }

  private EventEnvelope<?> envelope(Object event) {
    if (event instanceof EventEnvelope<?> ready) {
      return ready;
    }
    long position = lastPosition + 1;
    if (event instanceof TestEvent test) {
      return new EventEnvelope<>("evt-" + position, test.streamId(), position, clock.instant(),
          test.metadata(), test.payload());
    }
    String stream = Objects.requireNonNull(streamOf.apply(event),
        () -> "the fixture's stream function returned null for " + event);
    return EventEnvelope.of("evt-" + position, stream, position, clock.instant(), event);
  }
}
