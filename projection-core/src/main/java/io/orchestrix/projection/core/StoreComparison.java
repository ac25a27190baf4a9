package io.orchestrix.projection.core;

import io.orchestrix.projection.DocumentDifference;
import java.util.List;
import java.util.Objects;

/**
 * The result of comparing a projection's read models in the store queries read now (the source) with
 * those built in the store they move to (the target), document by document, while both stood at the
 * same position. In each {@link DocumentDifference}, {@code live} is the source's document and
 * {@code built} the target's. Immutable.
 *
 * @param source the source store's description
 * @param target the target store's description
 * @param positions the checkpoint both stood at: one, or one per partition
 * @param documents how many documents the source holds, over every read model compared
 * @param differing how many documents differ (in content, or present in one store only)
 * @param firstDifferences the first differing documents, in the source store's id order by read model,
 *     at most as many as asked for
 */
public record StoreComparison(String source, String target, List<Long> positions, long documents,
    long differing, List<DocumentDifference> firstDifferences) {

  /**
   * Checks and copies the components.
   *
   * @throws NullPointerException if a component is null
   * @param source as described for the record above
   * @param target as described for the record above
   * @param positions as described for the record above
   * @param documents as described for the record above
   * @param differing as described for the record above
   * @param firstDifferences as described for the record above
   * @throws IllegalArgumentException if fewer documents differ than are listed
   */
  public StoreComparison {
    Objects.requireNonNull(source, "source must not be null");
    Objects.requireNonNull(target, "target must not be null");
    positions = List.copyOf(Objects.requireNonNull(positions, "positions must not be null"));
    firstDifferences = List.copyOf(
        Objects.requireNonNull(firstDifferences, "firstDifferences must not be null"));
    if (differing < firstDifferences.size()) {
      throw new IllegalArgumentException("differing (" + differing + ") must count at least the "
          + firstDifferences.size() + " differences listed");
    }
  }

  /** {@return whether both stores hold the same documents} */
  public boolean identical() {
    return differing == 0;
  }
}
