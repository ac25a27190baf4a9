package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Queries over the live generation of a read model. Each query reads one generation whole, so it
 * never sees a mix of two. A query that finds nothing re-reads the registry and, if the live
 * generation changed meanwhile (a cut-over, a rollback), runs once more on the new one, so a reader
 * never gets an empty answer from a generation that was just dropped. Thread-safe.
 */
final class GenerationalView<T> implements ReadModelView<T> {

  private final ReadModel<T> readModel;
  private final VersionedProjectionEngine engine;

  GenerationalView(ReadModel<T> readModel, VersionedProjectionEngine engine) {
    this.readModel = readModel;
    this.engine = engine;
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

  /** The documents of the generation live when the stream is made; read lazily, page by page. */
  @Override
  public Stream<T> streamAll() {
    return view(engine.livePointer().current()).streamAll();
  }

  private <R> R query(Function<ReadModelView<T>, R> query, Predicate<R> empty) {
    int generation = engine.livePointer().current();
    R result = query.apply(view(generation));
    if (empty.test(result)) {
      int now = engine.livePointer().refresh();
      if (now != generation) {
        return query.apply(view(now));
      }
    }
    return result;
  }

  private ReadModelView<T> view(int generation) {
    return engine.generation(generation).engine().readModel(readModel);
  }
}
