package io.orchestrix.projection;

import org.jspecify.annotations.Nullable;

/**
 * The store failed: it could not be reached, a statement failed, or it found data it cannot read.
 * When raised by a commit, nothing of that commit is visible. {@link #isTransient()} tells whether the
 * same call may succeed later (an outage) or will fail again (a schema too new, a wrong password).
 */
public class StoreException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  public StoreException(String message, boolean transientFailure, @Nullable Throwable cause) {
    this(message, null, transientFailure, cause);
  }

  public StoreException(
      String message, @Nullable String projectionId, boolean transientFailure,
      @Nullable Throwable cause) {
    super(message, projectionId, null, 0, cause);
    this.transientFailure = transientFailure;
  }

  /** Whether retrying the same call later may succeed. */
  public boolean isTransient() {
    return transientFailure;
  }
}
