package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.spi.Commit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A batch whose handlers have run: the commit to make (null if nothing is to be stored, or if the
 * batch was refused), the outcome it has once committed, and what the writer learns from it.
 * Immutable apart from the unit of work it hands on.
 *
 * @param commit the commit, or null
 * @param unitOfWork the batch's writes, or null if there is no commit
 * @param outcome the outcome once {@code commit} is stored (or at once, if there is none)
 * @param deadLetters the dead letters the batch adds, whose streams become blocked
 * @param handlerNanos time spent in handlers
 * @param started when preparation started, {@link System#nanoTime()}
 */
record PreparedBatch(
    @Nullable Commit commit,
    @Nullable UnitOfWork unitOfWork,
    BatchOutcome outcome,
    List<DeadLetter> deadLetters,
    long handlerNanos,
    long started) {

  /** A batch with nothing to store: skipped, or refused before any handler ran. */
  static PreparedBatch nothingToCommit(BatchOutcome outcome) {
    return new PreparedBatch(null, null, outcome, List.of(), 0, System.nanoTime());
  }
}
