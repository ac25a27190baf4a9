package io.orchestrix.projection.test;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler the kit registers ahead of the projection's own on every engine it builds: it counts
 * the attempts at each position and throws {@link Fault.InjectedFailure} where a
 * {@link Fault.HandlerFailure} says. Thread-safe.
 */
final class HandlerFaults {

  private final Map<Long, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private volatile long failingPosition;
  private final AtomicInteger failuresLeft = new AtomicInteger();

  void failAt(long position, int times) {
    failuresLeft.set(times);
    failingPosition = position;
  }

  void onEvent(Object payload, HandlerContext context) {
    EventEnvelope<?> event = context.envelope();
    int attempt = attempts.computeIfAbsent(event.position(), p -> new AtomicInteger()).incrementAndGet();
    if (event.position() == failingPosition
        && failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      throw new Fault.InjectedFailure("fault injected by the test kit: handler failure at position "
          + event.position() + " (event " + event.eventId() + ", " + event.payloadTypeName()
          + "), attempt " + attempt);
    }
  }

  int attempts(long position) {
    AtomicInteger count = attempts.get(position);
    return count == null ? 0 : count.get();
  }
}
