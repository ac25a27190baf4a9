package io.orchestrix.projection.spring;

/**
 * The application's {@link Projection} beans cannot be assembled as declared: two beans claim one
 * projection id or one read model, or an id or a read-model field is malformed. The application does
 * not start; the message names the beans and what they share. Immutable.
 */
public final class ProjectionDefinitionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, naming the beans concerned */
  public ProjectionDefinitionException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the bean concerned
   * @param cause the refusal of the engine or read-model declaration
   */
  public ProjectionDefinitionException(String message, Throwable cause) {
    super(message, cause);
  }
}
