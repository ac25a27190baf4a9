package io.orchestrix.projection;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** An asynchronous handler's stage did not complete within the configured handler timeout. */
public final class HandlerTimeoutException extends HandlerFailedException {

  private static final long serialVersionUID = 1L;

  public HandlerTimeoutException(
      String projectionId, String eventId, long position, String handler, Duration timeout) {
    super("handler " + handler + " of projection '" + projectionId + "' did not complete within "
            + timeout + " on event " + eventId + " at position " + position,
        projectionId, eventId, position, handler,
        new TimeoutException("handler timeout " + timeout + " elapsed"));
  }
}
