package io.orchestrix.projection;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the wait after the n-th failed attempt is {@code initial} doubled
 * n-1 times, at most {@code max}, shortened by a random share up to {@code jitter} so that many
 * projections do not retry in step. Immutable and thread-safe.
 *
 * @param initial the wait after the first failed attempt, not negative
 * @param max the longest wait, at least {@code initial}
 * @param jitter the share of each wait that is random, 0 to 1
 */
public record Backoff(Duration initial, Duration max, double jitter) {

  /** 100 ms doubling to 5 s, 20% jitter. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2);

  /**
   * @param initial the wait after the first failed attempt; not null
   * @param max the longest wait; not null
   * @param jitter the random share of each wait, 0 to 1
   * @throws IllegalArgumentException naming the setting and the value if a bound is negative, the
   *     maximum is below the initial wait, or the jitter is outside 0 to 1
   */
  public Backoff {
    Objects.requireNonNull(initial, "initial must not be null");
    Objects.requireNonNull(max, "max must not be null");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff must satisfy 0 <= initial (" + initial + ") <= max (" + max + ")");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1 but was " + jitter);
    }
  }

  /**
   * {@return a backoff from {@code initial} to {@code max} with the default 20% jitter}
   *
   * @param initial the wait after the first failed attempt; not null
   * @param max the longest wait; not null
   */
  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max, DEFAULT.jitter);
  }

  /**
   * The wait after the given number of failed attempts, jitter applied.
   *
   * @param failedAttempts how many attempts have failed so far, at least 1
   * @return how long to wait before the next attempt: the doubled wait, at most {@code max}, less
   *     a random share of it of at most {@code jitter}; never negative
   */
  public Duration delay(int failedAttempts) {
    long cap = max.toNanos();
    long base = initial.toNanos();
    for (int i = 1; i < failedAttempts && base < cap; i++) {
      base = Math.min(cap, base * 2);
    }
    base = Math.min(base, cap);
    long jittered = base - (long) (base * jitter * ThreadLocalRandom.current().nextDouble());
    return Duration.ofNanos(Math.max(0, jittered));
  }
}
