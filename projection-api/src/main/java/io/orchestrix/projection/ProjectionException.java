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

  /** The projection concerned, or null. */
  private final @Nullable String projectionId;
  /** The event concerned, or null. */
  private final @Nullable String eventId;
  /** The position of the event concerned, 0 if none. */
  private final long position;

  /**
   * An exception with what happened and where.
   *
   * @param message what happened, in words a user can act on
   * @param projectionId the projection concerned, or null
   * @param eventId the event concerned, or null
   * @param position the position of the event concerned, 0 if none
   * @param cause the underlying failure, or null
   */
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
   *
   * @return the failure's kind
   */
  public abstract FailureKind kind();
}
