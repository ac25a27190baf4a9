package io.orchestrix.projection;

import java.util.stream.Collectors;

/**
 * A verified cut-over was refused: at the same position, the generation being built holds other
 * documents than the live one, although its version was meant to give the same result. Nothing was
 * switched: the live generation stays live, and the one being built stays so that an operator can
 * inspect it, fix the code and drop it. {@link FailureKind#FATAL}. The message's first line says how
 * many documents differ; the next lines list the first of them. Immutable.
 */
public final class GenerationMismatchException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  private final transient GenerationComparison comparison;

  /**
   * Builds the refusal; its message lists the comparison's first differences.
   *
   * @param projectionId the projection whose cut-over was refused; not null
   * @param comparison what the comparison of the two generations found; not null
   * @throws NullPointerException if {@code comparison} is null
   */
  public GenerationMismatchException(String projectionId, GenerationComparison comparison) {
    super("projection '" + projectionId + "': cut-over refused, generation "
        + comparison.builtGeneration() + " differs from live generation "
        + comparison.liveGeneration() + " at position " + comparison.positions() + " in "
        + comparison.differing() + " of " + comparison.documents() + " documents; the first: "
        + comparison.firstDifferences().stream().map(DocumentDifference::toString)
            .collect(Collectors.joining("\n  ", "\n  ", "")),
        projectionId, null, 0, null);
    this.comparison = comparison;
  }

  /**
   * What the comparison found. Not kept when the exception is serialized.
   *
   * @return the comparison, with the counts and the first differing documents; null only after
   *     deserialization
   */
  public GenerationComparison comparison() {
    return comparison;
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
