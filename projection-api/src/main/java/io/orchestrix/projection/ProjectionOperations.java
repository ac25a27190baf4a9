package io.orchestrix.projection;

import java.util.List;
import java.util.function.Predicate;

/**
 * An operator's actions on a projection, apart from processing: reset, move the checkpoint, and work
 * the dead letters. Obtained from {@link ProjectionEngine#operations()}.
 *
 * <p>Each action claims the projection's writer first, so it fences any other writer of the same
 * projection (a running node's next commit is refused and it reloads its state); run it while the
 * projection's runner is paused, or through the runner, which pauses it for you. Each action is one
 * atomic commit: after a crash it has happened completely or not at all. Thread-safe: actions are
 * serialised with the engine's processing.
 */
public interface ProjectionOperations {

  /**
   * Atomically deletes every document of this projection's read models, its dead letters and its
   * checkpoint, and makes it healthy again. Other projections are untouched.
   *
   * @throws StoreException if the store fails; then nothing changed
   */
  void reset();

  /**
   * Moves the checkpoint to a position without touching the read models or the dead letters, and
   * makes the projection healthy. Moving forward skips the events in between (their effect is never
   * applied); moving back applies events again, which is safe only if every handler is idempotent.
   * Use {@link #reset()} or {@link ProjectionEngine#replay} to rebuild instead.
   *
   * @param position the new checkpoint, 0 or more
   * @throws IllegalArgumentException if the position is negative
   */
  void resetTo(long position);

  /** {@return the dead letters of this projection, failed and parked, ascending by position} */
  List<DeadLetter> deadLetters();

  /**
   * Retries the selected dead letters through the current handlers (and, for stored envelopes, the
   * current upcasters), in position order per stream, in one atomic commit: each one that succeeds is
   * removed, and the events parked behind it are applied in order. One that fails again stays (its
   * attempts grow), and so does everything behind it.
   *
   * @param selection chooses the dead letters to retry; not null
   * @return how many were applied, and how many still fail
   */
  DeadLetterRetryResult retryDeadLetters(Predicate<? super DeadLetter> selection);

  /**
   * Deletes the selected dead letters without applying them; events parked behind them are then
   * applied in order, as by {@link #retryDeadLetters}, in the same commit.
   *
   * @param selection chooses the dead letters to discard; not null
   * @return how many were discarded
   */
  int discardDeadLetters(Predicate<? super DeadLetter> selection);
}
