package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of a runner, made by its public builder. Immutable.
 *
 * @param batchSize events per page read from the source
 * @param maxIdleWait the longest a caught-up projection waits before it looks at the source again
 * @param outageBackoff waits between attempts while the store or source is out
 * @param startupLimit how long start-up waits for the store before the projection fails; null waits
 *     for ever
 * @param clock the clock for lag and outage times
 */
public record RunnerSettings(int batchSize, Duration maxIdleWait, Backoff outageBackoff,
    @Nullable Duration startupLimit, Clock clock) {

  /** How long start-up waits for the store, if it does not wait for ever. */
  public Optional<Duration> startupWait() {
    return Optional.ofNullable(startupLimit);
  }
}
