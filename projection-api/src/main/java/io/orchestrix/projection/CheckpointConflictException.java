package io.orchestrix.projection;

/** The stored checkpoint moved since this writer read it; the commit was refused. */
public final class CheckpointConflictException extends ProjectionConflictException {

  private static final long serialVersionUID = 1L;

  /** The checkpoint this writer started from. */
  private final long expectedPosition;
  /** The checkpoint found in the store. */
  private final long actualPosition;

  /**
   * A refused commit.
   *
   * @param projectionId the projection (or partition key) whose commit was refused
   * @param expectedPosition the checkpoint this writer started from
   * @param actualPosition the checkpoint found in the store
   */
  public CheckpointConflictException(String projectionId, long expectedPosition, long actualPosition) {
    super("projection '" + projectionId + "': commit refused, the checkpoint was expected at "
            + expectedPosition + " but is at " + actualPosition
            + " (another writer committed in between)",
        projectionId, expectedPosition);
    this.expectedPosition = expectedPosition;
    this.actualPosition = actualPosition;
  }

  /** {@return the checkpoint this writer started from} */
  public long expectedPosition() {
    return expectedPosition;
  }

  /** {@return the checkpoint found in the store} */
  public long actualPosition() {
    return actualPosition;
  }
}
