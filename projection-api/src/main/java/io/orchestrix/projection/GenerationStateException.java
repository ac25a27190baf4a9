package io.orchestrix.projection;

import java.util.List;
import java.util.Objects;

/**
 * An operator's action on a projection's generations that their states forbid: a rollback with no
 * retired generation to go back to (none was ever retired, or it was dropped when its grace period
 * ended or by an operator), a cut-over with nothing being built (or, verified, with the two generations
 * not at the same position), a drop of the live generation. Nothing was changed. {@link FailureKind#FATAL}:
 * acting again changes nothing until the generations change. Immutable.
 */
public final class GenerationStateException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  private final transient List<Generation> generations;

  /**
   * Builds the refusal.
   *
   * @param projectionId the projection the action was refused on; not null
   * @param why what was refused and why, in words an operator can act on
   * @param generations the generations as they were when the action was refused; copied
   * @throws NullPointerException if {@code generations} is null or holds a null
   */
  public GenerationStateException(String projectionId, String why, List<Generation> generations) {
    super("projection '" + projectionId + "': " + why, projectionId, null, 0, null);
    this.generations = List.copyOf(Objects.requireNonNull(generations, "generations"));
  }

  /**
   * The generations as they were when the action was refused. Not kept when the exception is
   * serialized.
   *
   * @return an unmodifiable list, by number; null only after deserialization
   */
  public List<Generation> generations() {
    return generations;
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
