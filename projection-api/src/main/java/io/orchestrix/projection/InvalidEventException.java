package io.orchestrix.projection;

import org.jspecify.annotations.Nullable;

/**
 * The input was not a valid event or batch: null, positions that go backwards within a batch, or a
 * payload no handler can be registered for. Raised before anything is applied, so nothing changed.
 */
public final class InvalidEventException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  public InvalidEventException(
      String message, String projectionId, @Nullable String eventId, long position) {
    super(message, projectionId, eventId, position, null);
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
