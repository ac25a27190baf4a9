package io.orchestrix.projection.core;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link StoreMigration#switchReads} refused to switch a projection's queries to the target store;
 * nothing was switched. {@link #reason()} says why; the message says it in words an operator can act
 * on. {@link FailureKind#FATAL}: asking again changes nothing until the target catches up or its
 * documents change. Immutable.
 */
public final class StoreSwitchRefusedException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** Why the switch was refused. */
  public enum Reason {
    /** The target is further behind the source than the threshold allows. */
    LAGGING,
    /** A verified switch: the two stores did not stand at the same position while compared. */
    NOT_AT_SAME_POSITION,
    /** A verified switch: the two stores hold different documents at the same position. */
    DOCUMENTS_DIFFER
  }

  /** Why the switch was refused. */
  private final Reason reason;
  private final transient StoreMigrationProgress progress;
  private final transient @Nullable StoreComparison comparison;

  /**
   * @param projectionId the projection
   * @param reason why
   * @param why the refusal in words
   * @param progress the progress read when refused
   * @param comparison the comparison, for {@link Reason#DOCUMENTS_DIFFER}; null otherwise
   */
  public StoreSwitchRefusedException(String projectionId, Reason reason, String why,
      StoreMigrationProgress progress, @Nullable StoreComparison comparison) {
    super("projection '" + projectionId + "': switch of queries refused (" + reason + "): " + why,
        projectionId, null, 0, null);
    this.reason = reason;
    this.progress = progress;
    this.comparison = comparison;
  }

  /** {@return why the switch was refused} */
  public Reason reason() {
    return reason;
  }

  /** {@return the progress as read when the switch was refused} */
  public StoreMigrationProgress progress() {
    return progress;
  }

  /** {@return the comparison whose differences refused the switch, if that was the reason} */
  public Optional<StoreComparison> comparison() {
    return Optional.ofNullable(comparison);
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
