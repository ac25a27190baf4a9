package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of a runner, made by its public builder, and the rules its builder checks
 * each value against at once ({@code require...}, throwing {@link IllegalArgumentException} naming
 * the setting and the value). Immutable.
 *
 * @param batchSize events per page read from the source
 * @param maxIdleWait the longest a caught-up projection waits before it looks at the source again
 * @param outageBackoff waits between attempts while the store or source is out
 * @param startupLimit how long start-up waits for the store before the projection fails; null waits
 *     for ever
 * @param clock the clock for lag and outage times
 * @param executor runs each processing loop (one per projection or owned partition) as one task;
 *     null runs each on a daemon thread of its own
 */
public record RunnerSettings(int batchSize, Duration maxIdleWait, Backoff outageBackoff,
    @Nullable Duration startupLimit, Clock clock, @Nullable Executor executor) {

  /** How long start-up waits for the store, if it does not wait for ever. */
  public Optional<Duration> startupWait() {
    return Optional.ofNullable(startupLimit);
  }

  /** {@return the batch size, if 1 to 100,000} */
  public static int requireBatchSize(int batchSize) {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 100000 but was " + batchSize);
    }
    return batchSize;
  }

  /** {@return the wait, if positive and at most 10 minutes} */
  public static Duration requireMaxIdleWait(Duration maxIdleWait) {
    Objects.requireNonNull(maxIdleWait, "maxIdleWait must not be null");
    if (maxIdleWait.isNegative() || maxIdleWait.isZero() || maxIdleWait.toMinutes() > 10) {
      throw new IllegalArgumentException(
          "maxIdleWait must be positive and at most 10 minutes but was " + maxIdleWait);
    }
    return maxIdleWait;
  }

  /** {@return the limit, if positive} */
  public static Duration requireStartupLimit(Duration startupLimit) {
    Objects.requireNonNull(startupLimit, "startupLimit must not be null");
    if (startupLimit.isNegative() || startupLimit.isZero()) {
      throw new IllegalArgumentException("startupLimit must be positive but was " + startupLimit);
    }
    return startupLimit;
  }

  /** {@return the lease time, if 1 second to 10 minutes} */
  public static Duration requireLeaseTime(Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "leaseTime must not be null");
    if (leaseTime.compareTo(Duration.ofSeconds(1)) < 0 || leaseTime.toMinutes() > 10) {
      throw new IllegalArgumentException(
          "leaseTime must be 1 second to 10 minutes but was " + leaseTime);
    }
    return leaseTime;
  }
}
