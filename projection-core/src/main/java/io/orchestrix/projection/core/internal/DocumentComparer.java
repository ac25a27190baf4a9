package io.orchestrix.projection.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orchestrix.projection.DocumentDifference;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Compares the read models of a projection held in two places (two generations in one store, or one
 * projection in two stores) document by document, when both stand at the same position: it reads the
 * checkpoints of both, reads the documents, and reads the checkpoints again; unless all four readings
 * agree, the answer is empty, so a commit while it reads never yields a comparison of two positions.
 * Documents are read page by page in the store's id order (bounded memory): each page of the first
 * side is looked up in the second by id, then, if the second holds more documents than were found,
 * its pages are walked for the ids the first lacks. Two documents are equal when their JSON trees are.
 * Stateless apart from its configuration; thread-safe.
 */
public final class DocumentComparer {

  private static final int PAGE = 500;

  /**
   * One place the documents are read from.
   *
   * @param store the store holding them
   * @param names the stored name of a declared read model in this place, prepared in the store
   * @param positions this place's checkpoints, one per partition, 0 where none is stored
   */
  public record Side(ProjectionStore store, Function<ReadModel<?>, String> names,
      Supplier<List<Long>> positions) {

    public Side {
      Objects.requireNonNull(store, "store must not be null");
      Objects.requireNonNull(names, "names must not be null");
      Objects.requireNonNull(positions, "positions must not be null");
    }
  }

  /**
   * What a comparison found. In each {@link DocumentDifference}, {@code live} is the first side's
   * document and {@code built} the second's.
   *
   * @param positions the checkpoints both sides stood at
   * @param documents how many documents the first side holds
   * @param differing how many documents differ
   * @param firstDifferences the first differing documents, at most as many as asked for
   */
  public record Result(List<Long> positions, long documents, long differing,
      List<DocumentDifference> firstDifferences) {}

  private final List<ReadModel<?>> declared;
  private final ObjectMapper mapper = new ObjectMapper();

  /** @param declared the read models to compare, as declared */
  public DocumentComparer(List<ReadModel<?>> declared) {
    this.declared = List.copyOf(declared);
  }

  /**
   * @return the comparison, or empty if the two are not at the same position, before and after
   * @throws io.orchestrix.projection.StoreException if a store fails
   */
  public Optional<Result> compare(Side first, Side second, int maxDifferences) {
    List<Long> before = first.positions().get();
    if (!before.equals(second.positions().get())) {
      return Optional.empty();
    }
    List<DocumentDifference> differences = new ArrayList<>();
    long[] counts = new long[2];
    for (ReadModel<?> readModel : declared) {
      compare(readModel, first, second, maxDifferences, differences, counts);
    }
    if (!before.equals(first.positions().get()) || !before.equals(second.positions().get())) {
      return Optional.empty();
    }
    return Optional.of(new Result(before, counts[0], counts[1], differences));
  }

  private void compare(ReadModel<?> readModel, Side first, Side second, int max,
      List<DocumentDifference> differences, long[] counts) {
    String firstName = first.names().apply(readModel);
    String secondName = second.names().apply(readModel);
    long foundInSecond = 0;
    String after = null;
    List<StoredDocument> page;
    do {
      page = first.store().page(firstName, after, PAGE);
      Map<String, StoredDocument> others = second.store().findAll(secondName,
          page.stream().map(StoredDocument::id).toList());
      for (StoredDocument document : page) {
        StoredDocument other = others.get(document.id());
        foundInSecond += other == null ? 0 : 1;
        counts[0]++;
        differ(readModel, document.id(), document, other, max, differences, counts);
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == PAGE);
    if (second.store().count(secondName) == foundInSecond) {
      return;
    }
    after = null;
    do {
      page = second.store().page(secondName, after, PAGE);
      Map<String, StoredDocument> firsts = first.store().findAll(firstName,
          page.stream().map(StoredDocument::id).toList());
      for (StoredDocument document : page) {
        if (!firsts.containsKey(document.id())) {
          differ(readModel, document.id(), null, document, max, differences, counts);
        }
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == PAGE);
  }

  private void differ(ReadModel<?> readModel, String id, @Nullable StoredDocument first,
      @Nullable StoredDocument second, int max, List<DocumentDifference> differences,
      long[] counts) {
    if (first != null && second != null && sameJson(first.json(), second.json())) {
      return;
    }
    counts[1]++;
    if (differences.size() < max) {
      differences.add(new DocumentDifference(readModel.name(), id,
          first == null ? null : first.json(), second == null ? null : second.json()));
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

  /**
   * The stored name of a read model in generation {@code generation}, prepared in the store.
   *
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  public static String prepared(ProjectionStore store, ReadModel<?> readModel, int generation) {
    ReadModel<?> named = GenerationNames.readModel(readModel, generation);
    store.prepareReadModel(ReadModels.schemaOf(named));
    return named.name();
  }

  @Override
  public String toString() {
    return "DocumentComparer" + declared.stream().map(ReadModel::name).toList();
  }
}
