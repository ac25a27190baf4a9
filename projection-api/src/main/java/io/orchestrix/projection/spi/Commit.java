package io.orchestrix.projection.spi;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One atomic, fenced unit of change: "apply these read-model changes and move the checkpoint from
 * {@link #expectedPosition()} to {@code state().lastProcessedPosition()}". Immutable and thread-safe.
 * Made by one of four factories, one per use: {@link #batch}, {@link #reset},
 * {@link #moveCheckpoint} and {@link #deadLetterUpdate}.
 *
 * <p>A store applies a commit all or nothing: it deletes every document of
 * {@link #clearedReadModels()}, and every dead letter of the projection if
 * {@link #clearsDeadLetters()}; applies {@link #changes()} (one change per document, in any order);
 * stores {@link #deadLettersAdded()} (replacing any with the same position); deletes
 * {@link #deadLettersRemoved()} (by position); and stores {@link #state()}. It refuses the commit,
 * writing nothing, if the stored checkpoint is not {@link #expectedPosition()} (no stored state counts
 * as 0) or the stored fencing token is not {@link #writerToken()}.
 *
 * <h2>Partitions</h2>
 * A commit of one partition of a partitioned projection ({@link #inPartition}) carries the
 * partition's key as its projection id and the partition's number as {@link #partition()}. The store
 * keeps, with each document, the partition of the commit that last wrote it ({@link #UNPARTITIONED}
 * for a commit of a projection that is not split, and for documents stored before the store kept
 * partitions). It refuses the whole commit of partition k, writing nothing, with
 * {@link io.orchestrix.projection.PartitionConflictException} naming the document and both partitions,
 * if it puts or deletes a document kept for another partition (0 or more, not k), even one that
 * another commit is writing at the same moment. A reset of partition k
 * ({@link #clearedReadModels()}) deletes only the documents kept for partition k.
 */
public final class Commit {

  private final String projectionId;
  private final long writerToken;
  private final long expectedPosition;
  private final ProjectionState state;
  private final List<ReadModelChanges> changes;
  private final List<DeadLetter> deadLettersAdded;
  private final List<Long> deadLettersRemoved;
  private final Set<String> clearedReadModels;
  private final boolean clearsDeadLetters;
  private final int partition;

  /** {@link #partition()} of a commit of a projection that is not split. */
  public static final int UNPARTITIONED = -1;

  private Commit(long writerToken, long expectedPosition, ProjectionState state,
      List<ReadModelChanges> changes, List<DeadLetter> deadLettersAdded,
      List<Long> deadLettersRemoved, Set<String> clearedReadModels, boolean clearsDeadLetters) {
    this(writerToken, expectedPosition, state, changes, deadLettersAdded, deadLettersRemoved,
        clearedReadModels, clearsDeadLetters, UNPARTITIONED);
  }

  private Commit(long writerToken, long expectedPosition, ProjectionState state,
      List<ReadModelChanges> changes, List<DeadLetter> deadLettersAdded,
      List<Long> deadLettersRemoved, Set<String> clearedReadModels, boolean clearsDeadLetters,
      int partition) {
    this.partition = partition;
    this.projectionId = Objects.requireNonNull(state, "state").projectionId();
    this.writerToken = writerToken;
    this.expectedPosition = expectedPosition;
    this.state = state;
    this.changes = List.copyOf(changes);
    this.deadLettersAdded = List.copyOf(deadLettersAdded);
    this.deadLettersRemoved = List.copyOf(deadLettersRemoved);
    this.clearedReadModels = Set.copyOf(clearedReadModels);
    this.clearsDeadLetters = clearsDeadLetters;
    if (expectedPosition < 0) {
      throw new IllegalArgumentException("projection '" + projectionId
          + "': the expected checkpoint must not be negative but was " + expectedPosition);
    }
    Set<String> readModels = new HashSet<>();
    for (ReadModelChanges change : this.changes) {
      if (!readModels.add(change.readModel())) {
        throw new IllegalArgumentException("projection '" + projectionId + "': read model '"
            + change.readModel() + "' appears twice among the changes of one commit");
      }
    }
    for (DeadLetter deadLetter : this.deadLettersAdded) {
      if (!deadLetter.projectionId().equals(projectionId)) {
        throw new IllegalArgumentException("commit of projection '" + projectionId
            + "' carries a dead letter of projection '" + deadLetter.projectionId() + "'");
      }
    }
  }

  /**
   * A batch: read-model changes and new dead letters, with the checkpoint moving forward (or staying).
   *
   * @param writerToken the fencing token from {@link ProjectionStore#claimWriter}
   * @param expectedPosition the checkpoint this writer started from, 0 or more
   * @param state the new state, whose checkpoint is not below expectedPosition; not null
   * @param changes the read-model changes, at most one entry per read model; not null
   * @param deadLetters dead letters to store, all of this projection; not null
   * @return the commit
   * @throws IllegalArgumentException if the checkpoint would move back
   */
  public static Commit batch(long writerToken, long expectedPosition, ProjectionState state,
      List<ReadModelChanges> changes, List<DeadLetter> deadLetters) {
    requireForward(expectedPosition, state);
    return new Commit(writerToken, expectedPosition, state, changes, deadLetters, List.of(), Set.of(),
        false);
  }

  /**
   * {@return a batch of read-model changes alone, with the checkpoint moving forward (or staying)}
   *
   * @param writerToken the fencing token from {@link ProjectionStore#claimWriter}
   * @param expectedPosition the checkpoint this writer started from, 0 or more
   * @param state the new state, whose checkpoint is not below expectedPosition; not null
   * @param changes the read-model changes, at most one entry per read model; not null
   */
  public static Commit batch(long writerToken, long expectedPosition, ProjectionState state,
      List<ReadModelChanges> changes) {
    return batch(writerToken, expectedPosition, state, changes, List.of());
  }

  /**
   * A reset: every document of the given read models and every dead letter of the projection are
   * deleted, and the state is stored, whatever checkpoint it holds.
   *
   * @param writerToken the fencing token from {@link ProjectionStore#claimWriter}
   * @param expectedPosition the checkpoint stored now, which the reset replaces
   * @param state the state to store, whatever its checkpoint; not null
   * @param readModels the names of the read models to clear; not null
   * @return the commit
   */
  public static Commit reset(long writerToken, long expectedPosition, ProjectionState state,
      Set<String> readModels) {
    return new Commit(writerToken, expectedPosition, state, List.of(), List.of(), List.of(),
        readModels, true);
  }

  /**
   * Moves the checkpoint forward or back without touching read models or dead letters: an operator's
   * tool.
   *
   * @param writerToken the fencing token from {@link ProjectionStore#claimWriter}
   * @param expectedPosition the checkpoint stored now
   * @param state the state holding the new checkpoint; not null
   * @return the commit
   */
  public static Commit moveCheckpoint(long writerToken, long expectedPosition, ProjectionState state) {
    return new Commit(writerToken, expectedPosition, state, List.of(), List.of(), List.of(), Set.of(),
        false);
  }

  /**
   * Dead letters retried or discarded at the checkpoint, which does not move: the changes of the
   * events applied, the dead letters that failed again (replacing the stored ones) and the positions
   * of those removed.
   *
   * @param writerToken the fencing token from {@link ProjectionStore#claimWriter}
   * @param state the state, whose checkpoint stays where it is stored; not null
   * @param changes the read-model changes of the dead letters applied on retry; not null
   * @param updated the dead letters that failed again, replacing the stored ones; not null
   * @param removed the positions of the dead letters to delete; not null
   * @return the commit
   */
  public static Commit deadLetterUpdate(long writerToken, ProjectionState state,
      List<ReadModelChanges> changes, List<DeadLetter> updated, List<Long> removed) {
    return new Commit(writerToken, state.lastProcessedPosition(), state, changes, updated, removed,
        Set.of(), false);
  }

  /**
   * This commit as one of partition {@code partition} of a partitioned projection: its state's
   * projection id must be that partition's key ({@link ProjectionIds#partitionKey}).
   *
   * @param partition the partition's number, 0 or more
   * @return a copy of this commit carrying that partition
   * @throws IllegalArgumentException if the partition is negative or the key is not the partition's
   */
  public Commit inPartition(int partition) {
    String key = ProjectionIds.partitionKey(
        ProjectionIds.unpartitionedKeyOf(projectionId), partition);
    if (!key.equals(projectionId)) {
      throw new IllegalArgumentException("a commit of partition " + partition + " carries the key '"
          + key + "', not '" + projectionId + "'");
    }
    return new Commit(writerToken, expectedPosition, state, changes, deadLettersAdded,
        deadLettersRemoved, clearedReadModels, clearsDeadLetters, partition);
  }

  private static void requireForward(long expectedPosition, ProjectionState state) {
    if (state.lastProcessedPosition() < expectedPosition) {
      throw new IllegalArgumentException("projection '" + state.projectionId()
          + "': the checkpoint may not move back from " + expectedPosition + " to "
          + state.lastProcessedPosition() + " except by a reset or an operator's move");
    }
  }

  /** {@return the projection committing} */
  public String projectionId() {
    return projectionId;
  }

  /**
   * {@return the partition committing, 0 or more, or {@link #UNPARTITIONED} for a projection that
   * is not split}
   */
  public int partition() {
    return partition;
  }

  /** {@return the fencing token from {@link ProjectionStore#claimWriter}} */
  public long writerToken() {
    return writerToken;
  }

  /** {@return the checkpoint this writer started from} */
  public long expectedPosition() {
    return expectedPosition;
  }

  /** {@return the new state} */
  public ProjectionState state() {
    return state;
  }

  /** {@return the read-model changes, one entry per read model, one change per document} */
  public List<ReadModelChanges> changes() {
    return changes;
  }

  /** {@return the dead letters to store, replacing any with the same position; empty if none} */
  public List<DeadLetter> deadLettersAdded() {
    return deadLettersAdded;
  }

  /** {@return the positions of the dead letters to delete; empty if none} */
  public List<Long> deadLettersRemoved() {
    return deadLettersRemoved;
  }

  /**
   * {@return the read models whose every document is deleted first; empty unless this is a reset}
   */
  public Set<String> clearedReadModels() {
    return clearedReadModels;
  }

  /**
   * {@return whether every dead letter of the projection is deleted first: true for a reset only}
   */
  public boolean clearsDeadLetters() {
    return clearsDeadLetters;
  }

  /** {@return how many documents this commit changes} */
  public int documentCount() {
    int count = 0;
    for (ReadModelChanges change : changes) {
      count += change.size();
    }
    return count;
  }

  @Override
  public String toString() {
    return "Commit[" + projectionId + (partition == UNPARTITIONED ? "" : " (partition " + partition
        + ")") + ", token " + writerToken + ", " + expectedPosition + " -> "
        + state.lastProcessedPosition() + ", " + documentCount() + " documents, +"
        + deadLettersAdded.size() + "/-" + deadLettersRemoved.size() + " dead letters"
        + (clearsDeadLetters ? ", reset of " + clearedReadModels : "") + "]";
  }
}
