package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.DeadLetterRetryResult;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.Commit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An operator's actions on a partitioned projection as a whole: each is carried out on every
 * partition, in partition order, as one atomic commit per partition that claims the partition first,
 * fencing whichever node owns it. A crash midway leaves some partitions done and the rest as they were,
 * each consistent on its own (a partition's reset deletes only the documents it wrote); running the
 * action again finishes it. Thread-safe as each partition's operations are.
 */
final class PartitionedOperations implements ProjectionOperations {

  /** More partitions than a projection may have: where the search for left-over ones ends. */
  private static final int PARTITION_LIMIT = 1024;

  private final List<DefaultProjectionEngine> partitions;
  private final EngineParts parts;

  PartitionedOperations(List<DefaultProjectionEngine> partitions, EngineParts parts) {
    this.partitions = partitions;
    this.parts = parts;
  }

  /**
   * Resets every partition, then every partition a former, wider split of the projection left in the
   * store (partitions {@code P}, {@code P + 1}, ... while they have a state), so that no document of
   * theirs is left behind to refuse the new partitions' writes.
   */
  @Override
  public void reset() {
    partitions.forEach(partition -> partition.operations().reset());
    resetLeftOverPartitions();
  }

  private void resetLeftOverPartitions() {
    Set<String> names = new LinkedHashSet<>();
    parts.readModels.all().forEach(readModel -> names.add(readModel.name()));
    for (int partition = partitions.size(); partition < PARTITION_LIMIT; partition++) {
      String key = ProjectionIds.partitionKey(parts.config.projectionId(), partition);
      if (parts.store.loadState(key).isEmpty()) {
        return;
      }
      long token = parts.store.claimWriter(key);
      long position = parts.store.loadState(key).map(ProjectionState::lastProcessedPosition)
          .orElse(0L);
      parts.store.commit(Commit.reset(token, position, ProjectionState.initial(key, parts.now()),
          names).inPartition(partition));
    }
  }

  @Override
  public void resetTo(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative but was " + position);
    }
    partitions.forEach(partition -> partition.operations().resetTo(position));
  }

  /** The dead letters of every partition, ascending by position. */
  @Override
  public List<DeadLetter> deadLetters() {
    List<DeadLetter> all = new ArrayList<>();
    partitions.forEach(partition -> all.addAll(partition.operations().deadLetters()));
    all.sort(Comparator.comparingLong(DeadLetter::position));
    return all;
  }

  @Override
  public DeadLetterRetryResult retryDeadLetters(Predicate<? super DeadLetter> selection) {
    int applied = 0;
    int failed = 0;
    for (DefaultProjectionEngine partition : partitions) {
      DeadLetterRetryResult result = partition.operations().retryDeadLetters(selection);
      applied += result.applied();
      failed += result.stillFailing();
    }
    return new DeadLetterRetryResult(applied, failed);
  }

  @Override
  public int discardDeadLetters(Predicate<? super DeadLetter> selection) {
    int discarded = 0;
    for (DefaultProjectionEngine partition : partitions) {
      discarded += partition.operations().discardDeadLetters(selection);
    }
    return discarded;
  }

  /**
   * The state of a projection made of its partitions' states: the lowest checkpoint, unhealthy and
   * stopped at the lowest failed position if any partition is, the sum of their errors, the most
   * recent error and update.
   */
  static ProjectionState combined(String projectionId, List<ProjectionState> states) {
    ProjectionState lowest = states.get(0);
    long errors = 0;
    long failedPosition = 0;
    ProjectionState latest = lowest;
    for (ProjectionState state : states) {
      if (state.lastProcessedPosition() < lowest.lastProcessedPosition()) {
        lowest = state;
      }
      errors += state.errorCount();
      if (!state.healthy()
          && (failedPosition == 0 || state.failedPosition() < failedPosition)) {
        failedPosition = state.failedPosition();
      }
      if (state.updatedAt().isAfter(latest.updatedAt())) {
        latest = state;
      }
    }
    String lastError = null;
    Instant errorAt = Instant.MIN;
    for (ProjectionState state : states) {
      if (state.lastError() != null && state.updatedAt().isAfter(errorAt)) {
        lastError = state.lastError();
        errorAt = state.updatedAt();
      }
    }
    return new ProjectionState(projectionId, lowest.lastProcessedEventId(),
        lowest.lastProcessedPosition(), errors, failedPosition == 0, lastError, failedPosition,
        latest.updatedAt());
  }
}
