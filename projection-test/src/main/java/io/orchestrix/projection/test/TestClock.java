package io.orchestrix.projection.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: hand it to engines, runners, event logs and
 * stores, then {@link #advance} it to make time pass (lag, lease expiry, dead-letter ages) without
 * waiting. Thread-safe: a runner's thread reads what the test thread set. Always in UTC.
 */
public final class TestClock extends Clock {

  /** Where a new clock stands unless told otherwise: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;

  private TestClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** {@return a new clock standing at {@link #DEFAULT_START}} */
  public static TestClock create() {
    return new TestClock(DEFAULT_START);
  }

  /**
   * A clock standing at the given instant.
   *
   * @param start the instant the clock stands at; not null
   * @return a new clock
   */
  public static TestClock at(Instant start) {
    return new TestClock(Objects.requireNonNull(start, "start must not be null"));
  }

  /**
   * Moves the clock forward.
   *
   * @param duration how far to move, not negative
   * @return the new instant
   * @throws IllegalArgumentException if the duration is negative
   */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration must not be null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a test clock moves forward only; advance by " + duration
          + " refused (use set(...) to go back on purpose)");
    }
    return now.updateAndGet(instant -> instant.plus(duration));
  }

  /**
   * Sets the clock to an instant, earlier or later.
   *
   * @param instant the new instant; not null
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant must not be null"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock: a test clock is always in UTC. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "TestClock[" + now.get() + "]";
  }
}
