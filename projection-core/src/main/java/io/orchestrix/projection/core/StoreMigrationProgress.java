package io.orchestrix.projection.core;

import java.util.List;
import java.util.Objects;

/**
 * How far the target store's build of a projection has come, measured against the source store's
 * checkpoints, as read at one moment. Immutable.
 *
 * @param sourcePositions the source's checkpoints, one or one per partition, 0 where none is stored
 * @param targetPositions the target's checkpoints, the same count
 * @param switched whether queries have switched to the target
 */
public record StoreMigrationProgress(List<Long> sourcePositions, List<Long> targetPositions,
    boolean switched) {

  /**
   * Checks and copies the components.
   *
   * @throws NullPointerException if a list is null
   * @param sourcePositions as described for the record above
   * @param targetPositions as described for the record above
   * @param switched as described for the record above
   * @throws IllegalArgumentException if the lists count different partitions
   */
  public StoreMigrationProgress {
    sourcePositions = List.copyOf(Objects.requireNonNull(sourcePositions, "sourcePositions"));
    targetPositions = List.copyOf(Objects.requireNonNull(targetPositions, "targetPositions"));
    if (sourcePositions.size() != targetPositions.size()) {
      throw new IllegalArgumentException("sourcePositions (" + sourcePositions.size() + ") and"
          + " targetPositions (" + targetPositions.size() + ") must count the same partitions");
    }
  }

  /**
   * {@return how many positions the target is behind the source, summed over partitions (a partition
   * where the target is ahead counts 0)}
   */
  public long lag() {
    long lag = 0;
    for (int p = 0; p < sourcePositions.size(); p++) {
      lag += Math.max(0, sourcePositions.get(p) - targetPositions.get(p));
    }
    return lag;
  }

  /** {@return whether the target stands where the source does, in every partition} */
  public boolean atSamePosition() {
    return sourcePositions.equals(targetPositions);
  }
}
