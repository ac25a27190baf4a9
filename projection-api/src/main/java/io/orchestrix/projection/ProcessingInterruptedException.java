package io.orchestrix.projection;

/**
 * The thread processing a batch was interrupted while it waited for an asynchronous handler. Nothing of
 * the batch was committed and the projection's health is unchanged; the thread's interrupt flag is set
 * again.
 */
public final class ProcessingInterruptedException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * An interrupt while applying an event.
   *
   * @param projectionId the projection
   * @param eventId the event being applied
   * @param position its position
   * @param cause the interrupt
   */
  public ProcessingInterruptedException(
      String projectionId, String eventId, long position, InterruptedException cause) {
    super("projection '" + projectionId + "' was interrupted while applying event " + eventId
            + " at position " + position + "; nothing of the batch was committed",
        projectionId, eventId, position, cause);
  }

  /** {@link FailureKind#TRANSIENT}. */
  @Override
  public FailureKind kind() {
    return FailureKind.TRANSIENT;
  }
}
