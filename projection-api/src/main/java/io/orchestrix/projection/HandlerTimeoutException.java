package io.orchestrix.projection;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** An asynchronous handler's stage did not complete within the configured handler timeout. */
public final class HandlerTimeoutException extends HandlerFailedException {

  private static final long serialVersionUID = 1L;

  /**
   * A handler timeout; its cause is a {@link TimeoutException}.
   *
   * @param projectionId the projection
   * @param eventId the event the handler was applying
   * @param position the event's position
   * @param handler the handler's name
   * @param timeout the handler timeout that elapsed
   */
  public HandlerTimeoutException(
      String projectionId, String eventId, long position, String handler, Duration timeout) {
    super("handler " + handler + " of projection '" + projectionId + "' did not complete within "
            + timeout + " on event " + eventId + " at position " + position,
        projectionId, eventId, position, handler,
        new TimeoutException("handler timeout " + timeout + " elapsed"));
  }
}
