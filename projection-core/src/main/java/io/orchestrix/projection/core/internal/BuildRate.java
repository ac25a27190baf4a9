package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.Generation;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.RebuildProgress;
import java.time.Duration;

/**
 * The progress of a generation being built, from successive statuses of its worker: the rate is the
 * positions gained between the last two samples over the time between them. Used by one thread.
 */
final class BuildRate {

  private long lastPosition = -1;
  private long lastNanos;
  private double rate;

  /** Starts over, for a build started (again) on this node. */
  void reset() {
    lastPosition = -1;
  }

  /** The progress at this sample. */
  RebuildProgress sample(Generation building, ProjectionStatus status, long nowNanos) {
    if (lastPosition >= 0 && nowNanos > lastNanos) {
      rate = Math.max(0, status.position() - lastPosition) * 1e9 / (nowNanos - lastNanos);
    }
    lastPosition = status.position();
    lastNanos = nowNanos;
    long remaining = Math.max(0, status.headPosition() - status.position());
    return new RebuildProgress(building.number(), building.version(), status.position(),
        status.headPosition(), rate,
        rate > 0 ? Duration.ofMillis((long) (remaining * 1000 / rate)) : null);
  }
}
