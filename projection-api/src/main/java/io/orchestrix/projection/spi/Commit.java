package io.orchestrix.projection.spi;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One atomic, fenced unit of change: "apply these read-model changes and move the checkpoint from
 * {@code expectedPosition} to {@code state.lastProcessedPosition()}". Immutable.
 *
 * <p>A store applies it all or nothing, in this order: delete every document of
 * {@code clearedReadModels} and every dead letter of the projection if {@code reset}, apply
 * {@code changes} in order (a later change to the same id wins), add {@code deadLettersAdded}, remove
 * {@code deadLettersRemoved} (by position), and store {@code state}. It refuses the commit, writing
 * nothing, if the stored checkpoint is not {@code expectedPosition} (no stored state counts as 0) or
 * the stored fencing token is not {@code writerToken}.
 *
 * @param projectionId the projection committing
 * @param writerToken the fencing token from {@link ProjectionStore#claimWriter}
 * @param expectedPosition the checkpoint this writer started from
 * @param state the new state; its checkpoint is not below {@code expectedPosition} unless {@code reset}
 * @param reset whether this commit resets the projection (clears read models and dead letters and may
 *     move the checkpoint back)
 * @param clearedReadModels read models whose documents are all deleted first; only with {@code reset}
 * @param changes read-model changes
 * @param deadLettersAdded dead letters to store (replacing any with the same position)
 * @param deadLettersRemoved positions of dead letters to delete
 */
public record Commit(
    String projectionId,
    long writerToken,
    long expectedPosition,
    ProjectionState state,
    boolean reset,
    Set<String> clearedReadModels,
    List<DocumentChange> changes,
    List<DeadLetter> deadLettersAdded,
    List<Long> deadLettersRemoved) {

  public Commit {
    Objects.requireNonNull(projectionId, "projectionId");
    Objects.requireNonNull(state, "state");
    clearedReadModels = Set.copyOf(clearedReadModels);
    changes = List.copyOf(changes);
    deadLettersAdded = List.copyOf(deadLettersAdded);
    deadLettersRemoved = List.copyOf(deadLettersRemoved);
    if (!state.projectionId().equals(projectionId)) {
      throw new IllegalArgumentException("commit of projection '" + projectionId
          + "' carries the state of projection '" + state.projectionId() + "'");
    }
    if (!reset && state.lastProcessedPosition() < expectedPosition) {
      throw new IllegalArgumentException("projection '" + projectionId
          + "': the checkpoint may not move back from " + expectedPosition + " to "
          + state.lastProcessedPosition() + " except by a reset");
    }
    if (!reset && !clearedReadModels.isEmpty()) {
      throw new IllegalArgumentException(
          "projection '" + projectionId + "': read models may be cleared only by a reset");
    }
    for (DeadLetter deadLetter : deadLettersAdded) {
      if (!deadLetter.projectionId().equals(projectionId)) {
        throw new IllegalArgumentException("commit of projection '" + projectionId
            + "' carries a dead letter of projection '" + deadLetter.projectionId() + "'");
      }
    }
  }

  /** A commit that moves the checkpoint and applies changes, the common case. */
  public static Commit of(
      long writerToken, long expectedPosition, ProjectionState state, List<DocumentChange> changes) {
    return new Commit(state.projectionId(), writerToken, expectedPosition, state, false, Set.of(),
        changes, List.of(), List.of());
  }
}
