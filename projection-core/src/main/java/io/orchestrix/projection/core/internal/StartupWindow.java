package io.orchestrix.projection.core.internal;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Whether a worker is still starting (has never claimed its projection) and whether its start-up has
 * lasted longer than the runner's limit. Used by one worker thread.
 */
final class StartupWindow {

  private final RunnerSettings settings;
  private @Nullable Instant began;
  private boolean claimedOnce;

  StartupWindow(RunnerSettings settings) {
    this.settings = settings;
  }

  /** Notes a first attempt to claim; returns true the first time, when start-up begins. */
  boolean attempt() {
    if (claimedOnce || began != null) {
      return false;
    }
    began = settings.clock().instant();
    return true;
  }

  void claimed() {
    claimedOnce = true;
  }

  /** Whether the projection was ever claimed: start-up is over. */
  boolean isOver() {
    return claimedOnce;
  }

  /** Whether start-up is going on and has lasted as long as the runner's limit, if it has one. */
  boolean limitPassed() {
    return !claimedOnce && settings.startupWait().map(limit -> began != null
        && Duration.between(began, settings.clock().instant()).compareTo(limit) >= 0)
        .orElse(false);
  }
}
