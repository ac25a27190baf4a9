package io.orchestrix.projection;

/**
 * The engine requires contiguous positions and the batch does not continue from the checkpoint: an
 * event was delivered before the ones it follows. Nothing was applied; deliver the missing events
 * first. Raised only by engines built with contiguous positions required, for example when several
 * threads feed one projection in no particular order.
 */
public final class PositionGapException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The position the projection needs next. */
  private final long expectedPosition;

  /**
   * A gap before the given event; nothing was applied.
   *
   * @param projectionId the projection
   * @param expectedPosition the position the projection needs next
   * @param eventId the event given instead
   * @param position that event's position
   */
  public PositionGapException(
      String projectionId, long expectedPosition, String eventId, long position) {
    super("projection '" + projectionId + "' expects the event at position " + expectedPosition
            + " next but was given event " + eventId + " at position " + position
            + "; nothing was applied", projectionId, eventId, position, null);
    this.expectedPosition = expectedPosition;
  }

  /** {@return the position the projection needs next} */
  public long expectedPosition() {
    return expectedPosition;
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
