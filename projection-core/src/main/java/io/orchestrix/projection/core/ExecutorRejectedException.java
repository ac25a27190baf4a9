package io.orchestrix.projection.core;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The executor given to {@link ProjectionRunner.Builder#executor} rejected the processing loop of one
 * or more projections when the runner started them: it is shut down (then nothing was started), or
 * had no room for another task. The projections it accepted run; the next
 * {@link ProjectionRunner#start()} starts those it rejected again. {@link FailureKind#FATAL}:
 * nothing changes until the executor runs again or has room.
 */
public final class ExecutorRejectedException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The projections whose loops were rejected, in registration order; unmodifiable. */
  private final List<String> rejectedProjections;

  /**
   * Builds the exception; its message names the executor, the projections and the first cause.
   *
   * @param executor the executor that rejected the loops; not null
   * @param rejectedProjections the projections whose loops were rejected, at least one; copied
   * @param cause the first rejection; not null
   * @throws IndexOutOfBoundsException if {@code rejectedProjections} is empty
   */
  public ExecutorRejectedException(Executor executor, List<String> rejectedProjections,
      RejectedExecutionException cause) {
    super("the runner's executor " + executor + " rejected the processing loop of projection(s) "
        + rejectedProjections + ": " + cause.getMessage() + "; it must run one task per projection"
        + " and per partition at once, each until the runner stops", rejectedProjections.get(0),
        null, 0, cause);
    this.rejectedProjections = List.copyOf(rejectedProjections);
  }

  /** {@return the projections whose loops were rejected} */
  public List<String> rejectedProjections() {
    return rejectedProjections;
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
