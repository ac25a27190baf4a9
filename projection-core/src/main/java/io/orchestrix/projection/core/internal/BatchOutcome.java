package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import java.time.Duration;
import java.util.Optional;

/**
 * What one batch did, as the engine reports it to whoever drives it: no exception crosses from the
 * engine to a runner for a failure the engine has already handled. Immutable.
 */
public sealed interface BatchOutcome {

  /** Every event of the batch is applied, skipped or dead-lettered, and committed. */
  record Completed(BatchResult result, ProjectionState state) implements BatchOutcome {}

  /**
   * A handler failed and the failure policy retries it: the events before it are committed; the
   * failed event and those after it are to be sent again after {@code delay}.
   */
  record RetryLater(BatchResult result, ProjectionState state, HandlerFailedException failure,
      Duration delay, int attempt) implements BatchOutcome {}

  /**
   * A handler failed and the failure policy stops: the events before it are committed and the
   * projection is stopped, unhealthy, at the failed event.
   */
  record Stopped(BatchResult result, ProjectionState state, HandlerFailedException failure,
      int attempts) implements BatchOutcome {}

  /**
   * Nothing of the batch is committed: the store failed, another writer got there first, or the
   * input cannot be processed. {@link ProjectionException#kind()} says which.
   */
  record Failed(ProjectionException failure) implements BatchOutcome {}

  /** What was committed: nothing for a failed batch. */
  default BatchResult committed() {
    if (this instanceof Completed completed) {
      return completed.result();
    }
    if (this instanceof RetryLater retry) {
      return retry.result();
    }
    if (this instanceof Stopped stopped) {
      return stopped.result();
    }
    return new BatchResult(0, 0, 0, 0);
  }

  /** The state after the batch, if it got as far as a commit. */
  default Optional<ProjectionState> stateAfter() {
    if (this instanceof Completed completed) {
      return Optional.of(completed.state());
    }
    if (this instanceof RetryLater retry) {
      return Optional.of(retry.state());
    }
    if (this instanceof Stopped stopped) {
      return Optional.of(stopped.state());
    }
    return Optional.empty();
  }
}
