package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.GenerationComparison;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.List;
import java.util.Optional;

/**
 * Compares two generations of a projection in its store document by document, when both stand at the
 * same position (every partition's checkpoint equal in both, before and after the reading), with a
 * {@link DocumentComparer}. Stateless apart from its configuration; thread-safe.
 */
final class GenerationComparer {

  private final ProjectionStore store;
  private final String projectionId;
  private final DocumentComparer comparer;
  private final GenerationKeys keys;

  GenerationComparer(ProjectionStore store, String projectionId, int partitions,
      List<ReadModel<?>> declared) {
    this.store = store;
    this.projectionId = projectionId;
    this.comparer = new DocumentComparer(declared);
    this.keys = new GenerationKeys(store, projectionId, partitions);
  }

  /**
   * @return the comparison, or empty if the two are not at the same position, before and after
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  Optional<GenerationComparison> compare(int live, int built, int maxDifferences) {
    return comparer.compare(side(live), side(built), maxDifferences)
        .map(result -> new GenerationComparison(live, built, result.positions(),
            result.documents(), result.differing(), result.firstDifferences()));
  }

  private DocumentComparer.Side side(int generation) {
    return new DocumentComparer.Side(store,
        readModel -> DocumentComparer.prepared(store, readModel, generation),
        () -> keys.positions(generation));
  }

  @Override
  public String toString() {
    return "GenerationComparer[" + projectionId + ", " + comparer + "]";
  }
}
