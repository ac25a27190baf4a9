package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Counts a writer's stored dead letters for its status now and then (at most every two seconds, or
 * at once after a batch dead-lettered events), so that status never asks the store. Used by one
 * worker thread.
 */
final class DeadLetterCounter {

  private static final Duration INTERVAL = Duration.ofSeconds(2);

  private final WriterSession session;
  private final WorkerStatus status;
  private final Clock clock;
  private Instant countedAt = Instant.EPOCH;

  DeadLetterCounter(WriterSession session, WorkerStatus status, Clock clock) {
    this.session = session;
    this.status = status;
    this.clock = clock;
  }

  /** Counts again if the last count is old; a store outage is reported in the status, not thrown. */
  void countNowAndThen() {
    Instant now = clock.instant();
    if (Duration.between(countedAt, now).compareTo(INTERVAL) < 0) {
      return;
    }
    countedAt = now;
    try {
      status.deadLetters(session.storedDeadLetters());
    } catch (ProjectionException e) {
      // processing goes on and finds out for itself; the status says the store is out meanwhile
      status.outage("could not count the dead letters: " + e.getMessage());
    }
  }

  /** The next call counts again. */
  void recountSoon() {
    countedAt = Instant.EPOCH;
  }
}
