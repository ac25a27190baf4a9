package io.orchestrix.projection.spi;

import io.orchestrix.projection.ProjectionIds;
import java.util.HashSet;
import java.util.List;

/**
 * What a store must know to hold one read model: its name and the names of its indexed fields. Both
 * are validated by {@link ProjectionIds#requireValidName}, so a store may use them in table, collection
 * and key names without quoting. Immutable.
 *
 * @param name the read model's name
 * @param indexes the indexed fields, in declaration order, without duplicates
 */
public record ReadModelSchema(String name, List<String> indexes) {

  /**
   * Checks the names; the indexes are copied.
   *
   * @param name the read model's name, a valid read-model name
   * @param indexes the indexed fields, each a valid index name, without duplicates
   * @throws IllegalArgumentException if a name is invalid or an index appears twice
   */
  public ReadModelSchema {
    ProjectionIds.requireValidName(name, "read-model name");
    indexes = List.copyOf(indexes);
    if (new HashSet<>(indexes).size() != indexes.size()) {
      throw new IllegalArgumentException("read model '" + name + "' declares an index twice: " + indexes);
    }
    indexes.forEach(index -> ProjectionIds.requireValidName(index, "index name"));
  }
}
