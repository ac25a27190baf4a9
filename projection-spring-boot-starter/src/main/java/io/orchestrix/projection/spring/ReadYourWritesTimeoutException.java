package io.orchestrix.projection.spring;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionStatus;
import java.time.Duration;

/**
 * A projection had not processed a position within the time a request may wait for it: the write is
 * stored, but not visible yet. The message says where the projection was and in what state (a failed
 * or paused projection will not get there by itself). A web application typically answers 503 or
 * 202. Immutable.
 */
public final class ReadYourWritesTimeoutException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  private final transient ProjectionStatus status;

  ReadYourWritesTimeoutException(ProjectionStatus status, long position, Duration timeout) {
    super("projection '" + status.projectionId() + "' had not reached position " + position
        + " after " + timeout + ": it is at " + status.position() + ", " + status.state()
        + (status.lastError() == null ? "" : ", last error: " + status.lastError()),
        status.projectionId(), null, position, null);
    this.status = status;
  }

  /**
   * The projection's status when the wait ended. Not kept when the exception is serialized.
   *
   * @return the status; null only after deserialization
   */
  public ProjectionStatus status() {
    return status;
  }

  @Override
  public FailureKind kind() {
    return FailureKind.TRANSIENT;
  }
}
