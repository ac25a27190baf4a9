package io.orchestrix.projection.spring;

/**
 * An {@code orchestrix.projections.*} property has a value the starter cannot use; the application
 * does not start. The message names the whole property, the rejected value and what is expected.
 * Immutable.
 */
public final class InvalidPropertyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The whole name of the rejected property. */
  private final String property;

  /**
   * A property whose value is out of range or of the wrong form.
   *
   * @param relativeName the property's name below {@code orchestrix.projections.}
   * @param value the rejected value
   * @param expectation what a good value is, as a phrase ("must be positive")
   */
  public InvalidPropertyException(String relativeName, Object value, String expectation) {
    super(ProjectionsProperties.PREFIX + "." + relativeName + " " + expectation + " but was '"
        + value + "'");
    this.property = ProjectionsProperties.PREFIX + "." + relativeName;
  }

  /**
   * A property that the component it configures refused; the message is the component's, which never
   * shows a password.
   *
   * @param relativeName the property's name below {@code orchestrix.projections.}
   * @param cause the component's refusal
   */
  public InvalidPropertyException(String relativeName, RuntimeException cause) {
    super(ProjectionsProperties.PREFIX + "." + relativeName + " was refused: " + cause.getMessage(),
        cause);
    this.property = ProjectionsProperties.PREFIX + "." + relativeName;
  }

  /**
   * {@return the whole name of the rejected property, for example
   * {@code orchestrix.projections.batch-size}}
   */
  public String property() {
    return property;
  }
}
