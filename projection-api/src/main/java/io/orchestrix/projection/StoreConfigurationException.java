package io.orchestrix.projection;

import org.jspecify.annotations.Nullable;

/**
 * A store cannot be opened as asked: a malformed URI, an unknown scheme, two providers for one scheme,
 * a bad property, or a schema newer than this code. Raised before anything is written; never
 * transient. Messages never show a password.
 */
public final class StoreConfigurationException extends StoreException {

  private static final long serialVersionUID = 1L;

  /**
   * A configuration error.
   *
   * @param message what is wrong, without any password
   * @param cause the underlying failure, or null
   */
  public StoreConfigurationException(String message, @Nullable Throwable cause) {
    super(message, null, FailureKind.FATAL, cause);
  }
}
