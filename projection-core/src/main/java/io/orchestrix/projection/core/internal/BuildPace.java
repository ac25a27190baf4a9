package io.orchestrix.projection.core.internal;

import java.time.Duration;

/**
 * The pace of a generation being built on this node, when its build has a rate limit: each batch
 * reserves the time its events take at the limit, and its writer waits until that time has come, so
 * that the build leaves the rest of the machine (and the store) to readers and the live generation.
 * Shared by every writer (partition) of the generation on this node, so the limit holds for their sum.
 * Unused time is not saved up: after an idle spell a build goes at the limit, not faster. Thread-safe.
 */
final class BuildPace {

  /** No limit: {@link #reserve} never asks to wait. */
  static final BuildPace UNLIMITED = new BuildPace(0);

  private final double nanosPerEvent;
  private long nextStart = Long.MIN_VALUE;

  /** @param eventsPerSecond the most events per second, or 0 for no limit */
  BuildPace(int eventsPerSecond) {
    this.nanosPerEvent = eventsPerSecond == 0 ? 0 : 1e9 / eventsPerSecond;
  }

  /** Whether a limit is set. */
  boolean limited() {
    return nanosPerEvent > 0;
  }

  /**
   * Reserves the time of a batch; returns how long its writer waits before processing it (zero when
   * it is not ahead of the limit).
   */
  Duration reserve(int events, long nowNanos) {
    if (nanosPerEvent == 0 || events <= 0) {
      return Duration.ZERO;
    }
    long start;
    synchronized (this) {
      start = nextStart == Long.MIN_VALUE || nextStart - nowNanos < 0 ? nowNanos : nextStart;
      nextStart = start + (long) (events * nanosPerEvent);
    }
    return Duration.ofNanos(start - nowNanos);
  }
}
