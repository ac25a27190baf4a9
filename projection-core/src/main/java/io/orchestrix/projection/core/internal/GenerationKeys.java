package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer keys of a projection's generations in its store: one per generation, or one per
 * partition of it, and what the store holds under them. Stateless apart from its configuration;
 * thread-safe.
 */
final class GenerationKeys {

  private final ProjectionStore store;
  private final String projectionId;
  private final int partitions;

  GenerationKeys(ProjectionStore store, String projectionId, int partitions) {
    this.store = store;
    this.projectionId = projectionId;
    this.partitions = partitions;
  }

  /** The writer keys of a generation, by partition. */
  List<String> of(int generation) {
    String key = ProjectionIds.generationKey(projectionId, generation);
    if (partitions == 1) {
      return List.of(key);
    }
    List<String> keys = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      keys.add(ProjectionIds.partitionKey(key, p));
    }
    return keys;
  }

  /**
   * The checkpoints of a generation, by partition, 0 where none is stored.
   *
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  List<Long> positions(int generation) {
    return of(generation).stream().map(key -> store.loadState(key)
        .map(ProjectionState::lastProcessedPosition).orElse(0L)).toList();
  }

  /**
   * Claims every writer key of a generation, so its writers are refused at their next commit; does
   * nothing for a number below 1.
   *
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  void fence(int generation) {
    if (generation >= 1) {
      of(generation).forEach(store::claimWriter);
    }
  }
}
