package io.orchestrix.projection;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception this library throws on purpose. Unchecked. Each subtype says what
 * happened in words a user can act on and carries the projection id, event id and position where they
 * exist.
 */
public abstract class ProjectionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String projectionId;
  private final @Nullable String eventId;
  private final long position;

  protected ProjectionException(
      String message, @Nullable String projectionId, @Nullable String eventId, long position,
      @Nullable Throwable cause) {
    super(message, cause);
    this.projectionId = projectionId;
    this.eventId = eventId;
    this.position = position;
  }

  /** {@return the projection concerned, if any} */
  public Optional<String> projectionId() {
    return Optional.ofNullable(projectionId);
  }

  /** {@return the event concerned, if any} */
  public Optional<String> eventId() {
    return Optional.ofNullable(eventId);
  }

  /** {@return the position of the event concerned, 0 if none} */
  public long position() {
    return position;
  }

  /**
   * What kind of failure this is: whether retrying later may help, a handler failed, another writer got
   * there first, or nothing will change until someone acts.
   */
  public abstract FailureKind kind();
}
