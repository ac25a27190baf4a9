package io.orchestrix.projection.core;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.StreamVersionConflictException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An append-only event log in memory: an {@link EventSource} for tests, examples and single-process
 * applications. Positions are 1, 2, 3, ... with no gaps; each stream has a version (its number of
 * events) checked on append for optimistic concurrency. Readers waiting in {@link #awaitAppend} wake
 * as soon as an append commits. Thread-safe.
 */
public final class InMemoryEventLog implements EventSource {

  /** Expected version meaning "append whatever the stream's version is". */
  public static final long ANY_VERSION = -1;

  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final List<EventEnvelope<?>> events = new ArrayList<>();
  private final Map<String, Long> versions = new HashMap<>();

  /** A log stamping events with the UTC system clock. */
  public InMemoryEventLog() {
    this(Clock.systemUTC());
  }

  /**
   * A log stamping events with the given clock.
   *
   * @param clock stamps each event's time; not null
   */
  public InMemoryEventLog(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
  }

  /**
   * Appends events to a stream, all or nothing.
   *
   * @param expectedVersion the stream's current version (0 for a new stream), or {@link #ANY_VERSION}
   * @param streamId the stream; not null
   * @param payloads the payloads, in order; not null
   * @return the position of the last appended event
   * @throws StreamVersionConflictException if the stream is not at the expected version
   */
  public long append(String streamId, long expectedVersion, List<?> payloads) {
    Objects.requireNonNull(streamId, "streamId must not be null");
    Objects.requireNonNull(payloads, "payloads must not be null");
    if (payloads.isEmpty()) {
      throw new IllegalArgumentException("payloads must not be empty (stream " + streamId + ")");
    }
    payloads.forEach(p -> Objects.requireNonNull(p, "a payload must not be null (stream " + streamId + ")"));
    lock.lock();
    try {
      long version = versions.getOrDefault(streamId, 0L);
      if (expectedVersion != ANY_VERSION && expectedVersion != version) {
        throw new StreamVersionConflictException(streamId, expectedVersion, version);
      }
      for (Object payload : payloads) {
        long position = events.size() + 1L;
        events.add(EventEnvelope.of(UUID.randomUUID().toString(), streamId, position,
            clock.instant(), payload));
      }
      versions.put(streamId, version + payloads.size());
      appended.signalAll();
      return events.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends one event to a stream whatever its version.
   *
   * @param streamId the stream; not null
   * @param payload the payload; not null
   * @return the position of the appended event
   */
  public long append(String streamId, Object payload) {
    return append(streamId, ANY_VERSION, List.of(payload));
  }

  /**
   * Appends ready-made envelopes as they are; their positions must continue the log (tests).
   *
   * @param envelopes the envelopes, positions continuing the log
   * @throws IllegalArgumentException if an envelope's position does not continue the log; the
   *     envelopes before it stay appended
   */
  public void appendEnvelopes(List<? extends EventEnvelope<?>> envelopes) {
    lock.lock();
    try {
      for (EventEnvelope<?> envelope : envelopes) {
        long expected = events.size() + 1L;
        if (envelope.position() != expected) {
          throw new IllegalArgumentException("envelope " + envelope.eventId() + " has position "
              + envelope.position() + " but the log's next position is " + expected);
        }
        events.add(envelope);
        versions.merge(envelope.streamId(), 1L, Long::sum);
      }
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@return the version of a stream: how many events it has}
   *
   * @param streamId the stream; not null
   */
  public long streamVersion(String streamId) {
    lock.lock();
    try {
      return versions.getOrDefault(streamId, 0L);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<EventEnvelope<?>> read(long afterPosition, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
    }
    lock.lock();
    try {
      int from = (int) Math.max(0, Math.min(afterPosition, events.size()));
      int to = Math.min(events.size(), from + limit);
      return List.copyOf(events.subList(from, to));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long headPosition() {
    lock.lock();
    try {
      return events.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitAppend(long afterPosition, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (events.size() <= afterPosition) {
        if (nanos <= 0) {
          return false;
        }
        nanos = appended.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
