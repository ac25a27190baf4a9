package io.orchestrix.projection.test;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failed expectation of the test kit. Its message names the projection, the events it was given
 * (positions, ids, types, streams), the read model and document concerned, and for documents shows
 * where the expected and actual JSON differ followed by both in full. {@link #expectedJson()} and
 * {@link #actualJson()} carry the two documents for tools that show a side-by-side diff.
 */
public final class ProjectionAssertionError extends AssertionError {

  private static final long serialVersionUID = 1L;

  /** The expected document as indented JSON, or null. */
  private final @Nullable String expectedJson;
  /** The actual document as indented JSON, or null. */
  private final @Nullable String actualJson;

  ProjectionAssertionError(String message, @Nullable String expectedJson,
      @Nullable String actualJson, @Nullable Throwable cause) {
    super(message, cause);
    this.expectedJson = expectedJson;
    this.actualJson = actualJson;
  }

  ProjectionAssertionError(String message) {
    this(message, null, null, null);
  }

  /**
   * {@return the expected document as indented JSON, when the expectation was about one document}
   */
  public Optional<String> expectedJson() {
    return Optional.ofNullable(expectedJson);
  }

  /** {@return the actual document as indented JSON, when there was one} */
  public Optional<String> actualJson() {
    return Optional.ofNullable(actualJson);
  }
}
