package io.orchestrix.projection.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The record, in the store a projection was moved into, that its queries switched to that store
 * ({@link StoreMigration#switchReads}). Immutable.
 *
 * @param projectionId the projection
 * @param from the description of the store queries read before
 * @param positions the projection's checkpoints in this store at the switch, by partition
 * @param switchedAt when the switch was committed
 */
public record StoreSwitch(String projectionId, String from, List<Long> positions,
    Instant switchedAt) {

  /**
   * Checks and copies the components.
   *
   * @param projectionId as described for the record above
   * @param from as described for the record above
   * @param positions as described for the record above
   * @param switchedAt as described for the record above
   * @throws NullPointerException if a component is null
   */
  public StoreSwitch {
    Objects.requireNonNull(projectionId, "projectionId must not be null");
    Objects.requireNonNull(from, "from must not be null");
    positions = List.copyOf(Objects.requireNonNull(positions, "positions must not be null"));
    Objects.requireNonNull(switchedAt, "switchedAt must not be null");
  }
}
