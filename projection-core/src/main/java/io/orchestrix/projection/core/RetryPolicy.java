package io.orchestrix.projection.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a runner retries an event whose handler failed: up to {@code maxAttempts} attempts in all, with
 * exponential backoff from {@code initialBackoff}, doubling up to {@code maxBackoff}, each wait
 * shortened by a random share up to {@code jitter} (0 to 1) so that many projections do not retry in
 * step. Then the runner does what {@code afterRetries} says. Immutable.
 *
 * <p>Store outages (a transient {@link io.orchestrix.projection.StoreException}) are not handler
 * failures: they are retried for as long as they last, with the same backoff, and never dead-lettered.
 *
 * @param maxAttempts attempts in all, at least 1 (1 means no retry)
 * @param initialBackoff wait before the second attempt
 * @param maxBackoff longest wait
 * @param jitter share of each wait that is random, 0 to 1
 * @param afterRetries what to do when the attempts are used up
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter,
    AfterRetries afterRetries) {

  /** What to do with an event that failed every attempt. */
  public enum AfterRetries {
    /** Stop, unhealthy, at the event until an operator acts (fix and resume, dead-letter, reset). */
    STOP,
    /** Dead-letter the event and go on; later events of its stream are parked behind it. */
    DEAD_LETTER
  }

  /** Three attempts, 100 ms doubling to 5 s, 20% jitter, then stop. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5), 0.2, AfterRetries.STOP);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff must not be null");
    Objects.requireNonNull(maxBackoff, "maxBackoff must not be null");
    Objects.requireNonNull(afterRetries, "afterRetries must not be null");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff (" + initialBackoff
          + ") <= maxBackoff (" + maxBackoff + ")");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1 but was " + jitter);
    }
  }

  /** This policy with another number of attempts. */
  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(attempts, initialBackoff, maxBackoff, jitter, afterRetries);
  }

  /** This policy with other backoff bounds. */
  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(maxAttempts, initial, max, jitter, afterRetries);
  }

  /** This policy with another final action. */
  public RetryPolicy then(AfterRetries action) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, jitter, action);
  }

  /** The wait after the given failed attempt (1-based), jitter applied. */
  public Duration backoff(int failedAttempts) {
    long base = initialBackoff.toNanos();
    for (int i = 1; i < failedAttempts && base < maxBackoff.toNanos(); i++) {
      base = Math.min(maxBackoff.toNanos(), base * 2);
    }
    base = Math.min(base, maxBackoff.toNanos());
    long jittered = base - (long) (base * jitter * ThreadLocalRandom.current().nextDouble());
    return Duration.ofNanos(Math.max(0, jittered));
  }
}
