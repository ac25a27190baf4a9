package io.orchestrix.projection;

import java.util.List;
import java.util.Objects;

/**
 * The result of comparing the live generation of a projection with the one being built, document by
 * document over every read model the projection owns, while both stood at the same position. Immutable.
 *
 * @param liveGeneration the live generation's number
 * @param builtGeneration the number of the generation being built
 * @param positions the checkpoint both stood at: one, or one per partition
 * @param documents how many documents the live generation holds, over every read model
 * @param differing how many documents differ (in content, or present in one generation only)
 * @param firstDifferences the first differing documents, in the store's id order by read model, at
 *     most as many as asked for
 */
public record GenerationComparison(int liveGeneration, int builtGeneration, List<Long> positions,
    long documents, long differing, List<DocumentDifference> firstDifferences) {

  /**
   * Copies the lists, so that the comparison stays immutable whatever the caller does with them.
   *
   * @param liveGeneration the live generation's number
   * @param builtGeneration the number of the generation being built
   * @param positions the checkpoint both stood at: one, or one per partition; not null
   * @param documents how many documents the live generation holds, over every read model
   * @param differing how many documents differ
   * @param firstDifferences the first differing documents, at most as many as asked for; not null
   * @throws NullPointerException if {@code positions} or {@code firstDifferences} is null or holds a
   *     null
   * @throws IllegalArgumentException if {@code differing} is smaller than the number of differences
   *     listed
   */
  public GenerationComparison {
    positions = List.copyOf(Objects.requireNonNull(positions, "positions must not be null"));
    firstDifferences = List.copyOf(
        Objects.requireNonNull(firstDifferences, "firstDifferences must not be null"));
    if (differing < firstDifferences.size()) {
      throw new IllegalArgumentException("differing (" + differing + ") must count at least the "
          + firstDifferences.size() + " differences listed");
    }
  }

  /**
   * Whether both generations hold the same documents.
   *
   * @return true if no document differs ({@code differing} is 0)
   */
  public boolean identical() {
    return differing == 0;
  }
}
