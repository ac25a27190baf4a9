package io.orchestrix.projection;

/**
 * Another writer got there first: the stored checkpoint is no longer the one this writer started
 * from, or another writer has taken ownership of the projection. The commit was refused and nothing
 * was written. The engine reloads its state before its next batch.
 */
public abstract class ProjectionConflictException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * A refused commit.
   *
   * @param message what conflicted, naming the projection
   * @param projectionId the projection (or partition key) whose commit was refused
   * @param position the checkpoint the writer started from
   */
  protected ProjectionConflictException(String message, String projectionId, long position) {
    super(message, projectionId, null, position, null);
  }

  /** {@link FailureKind#CONFLICT}. */
  @Override
  public final FailureKind kind() {
    return FailureKind.CONFLICT;
  }
}
