package io.orchestrix.projection;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One document that differs between the live generation of a projection and the one being built, as
 * {@link ProjectionGenerations#compare} found it. Immutable.
 *
 * @param readModel the read model's declared name
 * @param id the document's id
 * @param live the document in the live generation, as stored (JSON), or null if it has none
 * @param built the document in the generation being built, as stored (JSON), or null if it has none
 */
public record DocumentDifference(String readModel, String id, @Nullable String live,
    @Nullable String built) {

  /**
   * Checks the parts.
   *
   * @param readModel the read model's declared name; not null
   * @param id the document's id; not null
   * @param live the document in the live generation (JSON), or null if it has none
   * @param built the document in the generation being built (JSON), or null if it has none
   * @throws NullPointerException if {@code readModel} or {@code id} is null
   * @throws IllegalArgumentException if both {@code live} and {@code built} are null: a document
   *     absent from both generations is no difference
   */
  public DocumentDifference {
    Objects.requireNonNull(readModel, "readModel must not be null");
    Objects.requireNonNull(id, "id must not be null");
    if (live == null && built == null) {
      throw new IllegalArgumentException("document '" + id + "' of read model '" + readModel
          + "' must exist in at least one of the two generations");
    }
  }

  @Override
  public String toString() {
    return readModel + " id " + id + ": live " + (live == null ? "(none)" : live) + ", built "
        + (built == null ? "(none)" : built);
  }
}
