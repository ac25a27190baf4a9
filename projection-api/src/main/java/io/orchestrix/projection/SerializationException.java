package io.orchestrix.projection;

import org.jspecify.annotations.Nullable;

/**
 * A document or event could not be turned into JSON, or JSON could not be turned back into its type.
 * Nothing was written.
 */
public final class SerializationException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * A serialisation failure.
   *
   * @param message what could not be serialised or read, and as what type
   * @param cause the codec's exception, or null
   */
  public SerializationException(String message, @Nullable Throwable cause) {
    super(message, null, null, 0, cause);
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
