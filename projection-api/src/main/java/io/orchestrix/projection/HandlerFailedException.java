package io.orchestrix.projection;

/**
 * A handler threw, its stage completed exceptionally, or it timed out. The cause is the handler's own
 * exception. The events before the failed one are committed; the failed event's changes are not.
 */
public class HandlerFailedException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The name of the handler that failed. */
  private final String handler;

  /**
   * A handler failure, with a message naming the handler, the event and the cause.
   *
   * @param projectionId the projection
   * @param eventId the event the handler failed on
   * @param position the event's position
   * @param handler the handler's name
   * @param cause what the handler threw
   */
  public HandlerFailedException(
      String projectionId, String eventId, long position, String handler, Throwable cause) {
    this("handler " + handler + " of projection '" + projectionId + "' failed on event " + eventId
            + " at position " + position + ": " + describe(cause),
        projectionId, eventId, position, handler, cause);
  }

  /**
   * A handler failure with a message of the subclass's own.
   *
   * @param message what happened
   * @param projectionId the projection
   * @param eventId the event the handler failed on
   * @param position the event's position
   * @param handler the handler's name
   * @param cause what the handler threw, or the failure that stands for it
   */
  protected HandlerFailedException(
      String message, String projectionId, String eventId, long position, String handler,
      Throwable cause) {
    super(message, projectionId, eventId, position, cause);
    this.handler = handler;
  }

  /** {@return the name of the handler that failed} */
  public String handler() {
    return handler;
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getName() + (message == null ? "" : ": " + message);
  }

  /** {@link FailureKind#HANDLER}. */
  @Override
  public final FailureKind kind() {
    return FailureKind.HANDLER;
  }
}
