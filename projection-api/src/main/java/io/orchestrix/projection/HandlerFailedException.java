package io.orchestrix.projection;

/**
 * A handler threw, its stage completed exceptionally, or it timed out. The cause is the handler's own
 * exception. The events before the failed one are committed; the failed event's changes are not.
 */
public class HandlerFailedException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  private final String handler;

  public HandlerFailedException(
      String projectionId, String eventId, long position, String handler, Throwable cause) {
    this("handler " + handler + " of projection '" + projectionId + "' failed on event " + eventId
            + " at position " + position + ": " + describe(cause),
        projectionId, eventId, position, handler, cause);
  }

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
