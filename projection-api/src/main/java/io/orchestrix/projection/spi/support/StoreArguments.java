package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StorableText;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The argument checks of {@link io.orchestrix.projection.spi.ProjectionStore} that need no store:
 * each throws {@link NullPointerException} or {@link IllegalArgumentException} naming what was wrong.
 * Stateless.
 */
final class StoreArguments {

  private StoreArguments() {}

  static void requireProjectionId(String projectionId) {
    ProjectionIds.requireValidKey(
        Objects.requireNonNull(projectionId, "projectionId must not be null"));
  }

  /** {@return whether a store could hold a document with this id} */
  static boolean isValidId(String id) {
    return StoredDocument.isValidId(Objects.requireNonNull(id, "id must not be null"));
  }

  /** Refuses a commit with a document whose text no store can hold, naming the document. */
  static void requireStorableDocuments(Commit commit) {
    for (ReadModelChanges changes : commit.changes()) {
      for (StoredDocument document : changes.puts()) {
        StorableText.requireStorableJson(changes.readModel(), document.id(), document.json());
      }
    }
  }

  /** {@return the distinct ids, in their first order, that a store could hold} */
  static List<String> validDistinctIds(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids must not be null");
    List<String> valid = new ArrayList<>(ids.size());
    for (String id : new LinkedHashSet<>(ids)) {
      if (StoredDocument.isValidId(Objects.requireNonNull(id, "an id is null"))) {
        valid.add(id);
      }
    }
    return valid;
  }

  /** Refuses an index the read model did not declare, naming the declared ones. */
  static void requireDeclaredIndex(ReadModelSchema schema, String index, String value) {
    Objects.requireNonNull(index, "index must not be null");
    Objects.requireNonNull(value, "value must not be null");
    if (!schema.indexes().contains(index)) {
      throw new IllegalArgumentException("read model '" + schema.name() + "' has no index '" + index
          + "'; it declares " + schema.indexes());
    }
  }

  static void requirePageLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("page limit must be at least 1 but was " + limit);
    }
  }
}
