package io.orchestrix.projection;

/**
 * Another writer has claimed the projection since this one did (its fencing token is newer); this
 * writer's commit was refused.
 */
public final class WriterFencedException extends ProjectionConflictException {

  private static final long serialVersionUID = 1L;

  /** The token of the refused writer. */
  private final long writerToken;
  /** The token now current in the store. */
  private final long currentToken;

  /**
   * A refused commit of a fenced writer.
   *
   * @param projectionId the projection (or partition key) whose commit was refused
   * @param writerToken the token of the refused writer
   * @param currentToken the token now current in the store
   */
  public WriterFencedException(String projectionId, long writerToken, long currentToken) {
    super("projection '" + projectionId + "': commit refused, this writer's fencing token "
            + writerToken + " is no longer current (" + currentToken
            + "): another writer owns the projection",
        projectionId, 0);
    this.writerToken = writerToken;
    this.currentToken = currentToken;
  }

  /** {@return the token this writer committed with} */
  public long writerToken() {
    return writerToken;
  }

  /** {@return the token found in the store} */
  public long currentToken() {
    return currentToken;
  }
}
