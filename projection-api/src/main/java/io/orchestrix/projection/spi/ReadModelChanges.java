package io.orchestrix.projection.spi;

import io.orchestrix.projection.ProjectionIds;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The changes a commit makes to one read model, already reduced to one change per document: the
 * documents to put (insert or replace) and the ids to delete, each id at most once across both lists.
 * A store applies them in any order. Immutable.
 *
 * @param readModel the read model's name
 * @param puts documents to insert or replace, each id once
 * @param deletes ids to delete (deleting an absent id is not an error), none of them among the puts
 */
public record ReadModelChanges(String readModel, List<StoredDocument> puts, List<String> deletes) {

  /**
   * @param readModel the read model's name
   * @param puts documents to insert or replace; copied
   * @param deletes ids to delete; copied
   * @throws IllegalArgumentException if the name is invalid or an id appears twice
   */
  public ReadModelChanges {
    ProjectionIds.requireValidName(Objects.requireNonNull(readModel, "readModel"), "read-model name");
    puts = List.copyOf(puts);
    deletes = List.copyOf(deletes);
    Set<String> ids = new HashSet<>(puts.size() + deletes.size());
    for (StoredDocument document : puts) {
      requireOnce(ids, readModel, document.id());
    }
    for (String id : deletes) {
      requireOnce(ids, readModel, StoredDocument.requireValidId(id));
    }
  }

  /**
   * Only puts.
   *
   * @param readModel the read model's name
   * @param documents documents to insert or replace, each id once
   * @return the changes
   */
  public static ReadModelChanges puts(String readModel, List<StoredDocument> documents) {
    return new ReadModelChanges(readModel, documents, List.of());
  }

  /** {@return how many documents change} */
  public int size() {
    return puts.size() + deletes.size();
  }

  private static void requireOnce(Set<String> ids, String readModel, String id) {
    if (!ids.add(id)) {
      throw new IllegalArgumentException(
          "read model '" + readModel + "': document '" + id + "' is changed twice in one commit");
    }
  }
}
