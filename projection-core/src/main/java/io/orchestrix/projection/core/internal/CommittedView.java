package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/** Queries over committed data of one read model. Thread-safe as the store is. */
final class CommittedView<T> implements ReadModelView<T> {

  static final int PAGE_SIZE = 500;

  private final ReadModel<T> readModel;
  private final ProjectionStore store;
  private final ReadModels readModels;

  CommittedView(ReadModel<T> readModel, ProjectionStore store, ReadModels readModels) {
    this.readModel = readModel;
    this.store = store;
    this.readModels = readModels;
  }

  @Override
  public ReadModel<T> definition() {
    return readModel;
  }

  @Override
  public Optional<T> findById(String id) {
    return store.find(readModel.name(), id).map(document -> readModels.decode(readModel, document));
  }

  @Override
  public List<T> findBy(String index, String value) {
    ReadModels.requireIndex(readModel, index);
    return store.findByIndex(readModel.name(), index, value).stream()
        .map(document -> readModels.decode(readModel, document))
        .toList();
  }

  @Override
  public long count() {
    return store.count(readModel.name());
  }

  @Override
  public Stream<T> streamAll() {
    return pages(store, readModel.name())
        .map(document -> readModels.decode(readModel, document));
  }

  /** Every stored document of a read model, page by page. */
  static Stream<StoredDocument> pages(ProjectionStore store, String readModel) {
    Iterator<StoredDocument> iterator = new Iterator<>() {
      private List<StoredDocument> page = store.page(readModel, null, PAGE_SIZE);
      private int next;

      @Override
      public boolean hasNext() {
        if (next < page.size()) {
          return true;
        }
        if (page.size() < PAGE_SIZE) {
          return false;
        }
        @Nullable String last = page.get(page.size() - 1).id();
        page = store.page(readModel, last, PAGE_SIZE);
        next = 0;
        return !page.isEmpty();
      }

      @Override
      public StoredDocument next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(next++);
      }
    };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }
}
