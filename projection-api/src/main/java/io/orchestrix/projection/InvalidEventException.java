package io.orchestrix.projection;

import org.jspecify.annotations.Nullable;

/**
 * The input was not a valid event or batch: null, positions that go backwards within a batch, or a
 * payload no handler can be registered for. Raised before anything is applied, so nothing changed.
 */
public final class InvalidEventException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * Invalid input, refused before anything was applied.
   *
   * @param message what was wrong
   * @param projectionId the projection
   * @param eventId the offending event, or null if there is none (a null in the batch)
   * @param position the offending event's position, 0 if unknown
   */
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
