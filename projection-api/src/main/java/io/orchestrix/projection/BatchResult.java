package io.orchestrix.projection;

/**
 * What one call to process events did. Immutable.
 *
 * @param applied events whose handlers ran and whose effects were committed
 * @param skipped events at or below the checkpoint, skipped as already applied
 * @param deadLettered events whose handler failed and that were dead-lettered under that policy
 * @param checkpoint the checkpoint after the call
 */
public record BatchResult(int applied, int skipped, int deadLettered, long checkpoint) {

  /**
   * Adds another result to this one, keeping the later checkpoint.
   *
   * @param other the result of the later call; not null
   * @return the sum of both counts, with the other's checkpoint
   */
  public BatchResult plus(BatchResult other) {
    return new BatchResult(
        applied + other.applied, skipped + other.skipped, deadLettered + other.deadLettered,
        other.checkpoint);
  }
}
