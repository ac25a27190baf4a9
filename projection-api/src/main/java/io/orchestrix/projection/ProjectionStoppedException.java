package io.orchestrix.projection;

/**
 * The projection is stopped, unhealthy, at a failed event and the batch does not start with that
 * event. Applying later events would skip it silently, so nothing was applied. Resend the failed event
 * (after fixing its handler), or {@link ProjectionOperations#reset()} / {@link ProjectionEngine#replay}.
 */
public final class ProjectionStoppedException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * A refused batch of a stopped projection.
   *
   * @param projectionId the projection
   * @param failedPosition the position of the failed event it is stopped at
   * @param firstEventId the id of the batch's first event
   * @param firstPosition that event's position
   * @param lastError the failure the projection stopped on
   */
  public ProjectionStoppedException(
      String projectionId, long failedPosition, String firstEventId, long firstPosition,
      String lastError) {
    super("projection '" + projectionId + "' is stopped at the failed event at position "
            + failedPosition + " (" + lastError + "); the batch starts at position " + firstPosition
            + " (event " + firstEventId + "); resend the failed event, or reset or replay the"
            + " projection",
        projectionId, firstEventId, firstPosition, null);
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
