package io.orchestrix.projection.core;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Queries over a read model that read the source store until a {@link StoreMigration} switched and
 * the target after. Each query reads one store whole; a query that finds nothing on the source
 * re-reads the switch record and, if queries switched meanwhile, runs once more on the target, so a
 * reader never gets an empty answer from a source that is being retired. While the target cannot be
 * read before the switch, queries keep going to the source. Thread-safe.
 */
final class SwitchedView<T> implements ReadModelView<T> {

  private final ReadModel<T> readModel;
  private final ReadModelView<T> source;
  private final ReadModelView<T> target;
  private final StoreMigration migration;

  SwitchedView(ReadModel<T> readModel, ReadModelView<T> source, ReadModelView<T> target,
      StoreMigration migration) {
    this.readModel = readModel;
    this.source = source;
    this.target = target;
    this.migration = migration;
  }

  @Override
  public ReadModel<T> definition() {
    return readModel;
  }

  @Override
  public Optional<T> findById(String id) {
    return query(view -> view.findById(id), Optional::isEmpty);
  }

  @Override
  public List<T> findBy(String index, String value) {
    return query(view -> view.findBy(index, value), List::isEmpty);
  }

  @Override
  public long count() {
    return query(ReadModelView::count, count -> count == 0);
  }

  /** The documents of the store read when the stream is made; read lazily, page by page. */
  @Override
  public Stream<T> streamAll() {
    return (migration.switched() ? target : source).streamAll();
  }

  private <R> R query(Function<ReadModelView<T>, R> query, Predicate<R> empty) {
    if (migration.switched()) {
      return query.apply(target);
    }
    R result = query.apply(source);
    if (empty.test(result) && migration.refreshForQueries()) {
      return query.apply(target);
    }
    return result;
  }
}
