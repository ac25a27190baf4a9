package io.orchestrix.projection;

/** The stored checkpoint moved since this writer read it; the commit was refused. */
public final class CheckpointConflictException extends ProjectionConflictException {

  private static final long serialVersionUID = 1L;

  private final long expectedPosition;
  private final long actualPosition;

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
