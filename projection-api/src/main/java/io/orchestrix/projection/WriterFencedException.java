package io.orchestrix.projection;

/**
 * Another writer has claimed the projection since this one did (its fencing token is newer); this
 * writer's commit was refused.
 */
public final class WriterFencedException extends ProjectionConflictException {

  private static final long serialVersionUID = 1L;

  private final long writerToken;
  private final long currentToken;

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
