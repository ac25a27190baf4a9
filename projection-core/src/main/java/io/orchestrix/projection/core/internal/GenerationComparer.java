package io.orchestrix.projection.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orchestrix.projection.DocumentDifference;
import io.orchestrix.projection.GenerationComparison;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Compares two generations of a projection document by document, when both stand at the same position:
 * it reads every partition's checkpoint of both, reads the documents, and reads the checkpoints again;
 * unless all four readings agree, the answer is empty, so a commit while it reads never yields a
 * comparison of two positions. Documents are read page by page in the store's id order (bounded
 * memory): each page of the live generation is looked up in the other generation by id, then, if the
 * other holds more documents than were found, its pages are walked for the ids the live one lacks.
 * Two documents are equal when their JSON trees are. Stateless apart from its configuration;
 * thread-safe.
 */
final class GenerationComparer {

  private static final int PAGE = 500;

  private final ProjectionStore store;
  private final String projectionId;
  private final List<ReadModel<?>> declared;
  private final ObjectMapper mapper = new ObjectMapper();
  private final GenerationKeys keys;

  GenerationComparer(ProjectionStore store, String projectionId, int partitions,
      List<ReadModel<?>> declared) {
    this.store = store;
    this.projectionId = projectionId;
    this.declared = List.copyOf(declared);
    this.keys = new GenerationKeys(store, projectionId, partitions);
  }

  /**
   * @return the comparison, or empty if the two are not at the same position, before and after
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  Optional<GenerationComparison> compare(int live, int built, int maxDifferences) {
    List<Long> before = positions(live);
    if (!before.equals(positions(built))) {
      return Optional.empty();
    }
    List<DocumentDifference> first = new ArrayList<>();
    long[] counts = new long[2];
    for (ReadModel<?> readModel : declared) {
      compare(readModel, live, built, maxDifferences, first, counts);
    }
    if (!before.equals(positions(live)) || !before.equals(positions(built))) {
      return Optional.empty();
    }
    return Optional.of(new GenerationComparison(live, built, before, counts[0], counts[1], first));
  }

  private void compare(ReadModel<?> readModel, int live, int built, int max,
      List<DocumentDifference> first, long[] counts) {
    String liveName = prepared(readModel, live);
    String builtName = prepared(readModel, built);
    long foundInBuilt = 0;
    String after = null;
    List<StoredDocument> page;
    do {
      page = store.page(liveName, after, PAGE);
      Map<String, StoredDocument> others = store.findAll(builtName,
          page.stream().map(StoredDocument::id).toList());
      for (StoredDocument document : page) {
        StoredDocument other = others.get(document.id());
        foundInBuilt += other == null ? 0 : 1;
        counts[0]++;
        differ(readModel, document.id(), document, other, max, first, counts);
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == PAGE);
    if (store.count(builtName) == foundInBuilt) {
      return;
    }
    after = null;
    do {
      page = store.page(builtName, after, PAGE);
      Map<String, StoredDocument> lives = store.findAll(liveName,
          page.stream().map(StoredDocument::id).toList());
      for (StoredDocument document : page) {
        if (!lives.containsKey(document.id())) {
          differ(readModel, document.id(), null, document, max, first, counts);
        }
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == PAGE);
  }

  private void differ(ReadModel<?> readModel, String id, @Nullable StoredDocument live,
      @Nullable StoredDocument built, int max, List<DocumentDifference> first, long[] counts) {
    if (live != null && built != null && sameJson(live.json(), built.json())) {
      return;
    }
    counts[1]++;
    if (first.size() < max) {
      first.add(new DocumentDifference(readModel.name(), id, live == null ? null : live.json(),
          built == null ? null : built.json()));
    }
  }

  private boolean sameJson(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    try {
      return mapper.readTree(a).equals(mapper.readTree(b));
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private String prepared(ReadModel<?> readModel, int generation) {
    ReadModel<?> named = GenerationNames.readModel(readModel, generation);
    store.prepareReadModel(ReadModels.schemaOf(named));
    return named.name();
  }

  private List<Long> positions(int generation) {
    return keys.positions(generation);
  }

  @Override
  public String toString() {
    return "GenerationComparer[" + projectionId + ", read models " + declared.stream()
        .map(ReadModel::name).collect(Collectors.joining(", ")) + "]";
  }
}
