package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerFailedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a handler failure is decided: retry, stop or dead-letter, by the engine's
 * {@link FailurePolicy} and the attempts made so far at the failed position. The attempts live here,
 * in memory, for the writer that saw them: after a restart an event gets its attempts afresh. One per
 * writer session; used under its lock.
 */
final class FailureDecisions {

  /** What to do with a failed event. */
  sealed interface Decision {
    /** Commit what came before the event and try it again after the delay. */
    record Retry(Duration delay, int attempt) implements Decision {}

    /** Commit what came before the event and stop, unhealthy, at it. */
    record Stop(int attempts) implements Decision {}

    /** Store the event as a dead letter in the batch's commit and go on. */
    record DeadLetter(int attempts, Instant firstFailureAt) implements Decision {}
  }

  private final FailurePolicy policy;
  private final Clock clock;
  private long position;
  private int attempts;
  private Instant firstFailureAt = Instant.EPOCH;

  FailureDecisions(FailurePolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /** Records a failure and decides what follows it. */
  Decision onFailure(HandlerFailedException failure) {
    if (failure.position() != position) {
      position = failure.position();
      attempts = 0;
      firstFailureAt = clock.instant();
    }
    attempts++;
    if (attempts < policy.maxAttempts()) {
      Backoff backoff = ((FailurePolicy.Retry) policy).backoff();
      return new Decision.Retry(backoff.delay(attempts), attempts);
    }
    int used = attempts;
    Instant first = firstFailureAt;
    if (policy.finalAction() instanceof FailurePolicy.DeadLetterEvent) {
      forget();
      return new Decision.DeadLetter(used, first);
    }
    return new Decision.Stop(used);
  }

  /** What {@link #restore} brings back: the tracked failure as it is now. */
  record Mark(long position, int attempts, Instant firstFailureAt) {}

  Mark mark() {
    return new Mark(position, attempts, firstFailureAt);
  }

  /** Undoes the failures recorded since the mark (a batch that is run again). */
  void restore(Mark mark) {
    position = mark.position();
    attempts = mark.attempts();
    firstFailureAt = mark.firstFailureAt();
  }

  /** The failure tracked so far is over (the event was applied, or the projection was reset). */
  void forget() {
    position = 0;
    attempts = 0;
  }

  /** Whether an event at this position was attempted and failed without being decided yet. */
  boolean isRetrying(long eventPosition) {
    return attempts > 0 && position == eventPosition;
  }
}
