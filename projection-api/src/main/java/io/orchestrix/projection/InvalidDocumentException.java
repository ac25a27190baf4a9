package io.orchestrix.projection;

/**
 * A store refused a document before writing anything: too large for its limit, a field name the store
 * cannot hold, an id it cannot key. The message names the read model, the id and the reason; the whole
 * commit was refused and nothing of it is visible.
 */
public final class InvalidDocumentException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * A refused document.
   *
   * @param message names the read model, the id and the reason
   */
  public InvalidDocumentException(String message) {
    super(message, null, null, 0, null);
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
