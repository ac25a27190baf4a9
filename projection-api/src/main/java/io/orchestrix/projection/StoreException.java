package io.orchestrix.projection;

import org.jspecify.annotations.Nullable;

/**
 * The store failed: it could not be reached, a statement failed, or it found data it cannot read.
 * When raised by a commit, nothing of that commit is visible. {@link #kind()} tells whether the same
 * call may succeed later ({@link FailureKind#TRANSIENT}: an outage) or will fail again
 * ({@link FailureKind#FATAL}: a schema too new, a wrong password, a closed store).
 *
 * <p>Create one with {@link #outage}, {@link #failure} or {@link #of}.
 */
public class StoreException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The kind of the failure, TRANSIENT or FATAL; kept when the exception is serialised. */
  private final FailureKind kind;

  /**
   * A store failure of the given kind.
   *
   * @param kind {@link FailureKind#TRANSIENT} or {@link FailureKind#FATAL}
   * @param message what failed, naming the operation and the store; not null
   * @param projectionId the projection concerned, or null
   * @param cause the driver's exception, or null
   * @throws IllegalArgumentException for another kind
   */
  protected StoreException(
      String message, @Nullable String projectionId, FailureKind kind, @Nullable Throwable cause) {
    super(message, projectionId, null, 0, cause);
    if (kind != FailureKind.TRANSIENT && kind != FailureKind.FATAL) {
      throw new IllegalArgumentException("a store failure is TRANSIENT or FATAL, not " + kind);
    }
    this.kind = kind;
  }

  /**
   * A failure that may pass: the store could not be reached, a connection was lost, a statement timed
   * out. Retrying the same call later may succeed.
   *
   * @param projectionId the projection concerned, or null
   * @param message what failed, naming the operation and the store; not null
   * @param cause the driver's exception, or null
   * @return the exception, of kind {@link FailureKind#TRANSIENT}
   */
  public static StoreException outage(
      String message, @Nullable String projectionId, @Nullable Throwable cause) {
    return new StoreException(message, projectionId, FailureKind.TRANSIENT, cause);
  }

  /**
   * A failure that will happen again until someone acts: data the store cannot read, a refused
   * statement, a closed store.
   *
   * @param projectionId the projection concerned, or null
   * @param message what failed, naming the operation and the store; not null
   * @param cause the driver's exception, or null
   * @return the exception, of kind {@link FailureKind#FATAL}
   */
  public static StoreException failure(
      String message, @Nullable String projectionId, @Nullable Throwable cause) {
    return new StoreException(message, projectionId, FailureKind.FATAL, cause);
  }

  /**
   * A store failure whose kind a store decided, for example from a driver's error code.
   *
   * @param kind {@link FailureKind#TRANSIENT} or {@link FailureKind#FATAL}
   * @param message what failed, naming the operation and the store; not null
   * @param projectionId the projection concerned, or null
   * @param cause the driver's exception, or null
   * @return the exception
   * @throws IllegalArgumentException for another kind
   */
  public static StoreException of(
      String message, @Nullable String projectionId, FailureKind kind, @Nullable Throwable cause) {
    return new StoreException(message, projectionId, kind, cause);
  }

  /** {@return whether retrying the same call later may succeed: {@code kind() == TRANSIENT}} */
  public final boolean isTransient() {
    return kind == FailureKind.TRANSIENT;
  }

  @Override
  public final FailureKind kind() {
    return kind;
  }
}
