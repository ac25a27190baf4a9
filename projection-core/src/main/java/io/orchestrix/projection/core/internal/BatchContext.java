package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The {@link HandlerContext} of one handler call. Once closed (the call returned, failed or timed
 * out) its repositories refuse every use, so a late asynchronous handler cannot change a batch that
 * has moved on.
 */
final class BatchContext implements HandlerContext {

  private final String projectionId;
  private final EventEnvelope<?> envelope;
  private final UnitOfWork unitOfWork;
  private final ReadModels readModels;
  private final ProjectionStore store;
  private final boolean rebuilding;
  private volatile boolean closed;

  BatchContext(String projectionId, EventEnvelope<?> envelope, UnitOfWork unitOfWork,
      ReadModels readModels, ProjectionStore store, boolean rebuilding) {
    this.rebuilding = rebuilding;
    this.projectionId = projectionId;
    this.envelope = envelope;
    this.unitOfWork = unitOfWork;
    this.readModels = readModels;
    this.store = store;
  }

  @Override
  public String projectionId() {
    return projectionId;
  }

  @Override
  public EventEnvelope<?> envelope() {
    return envelope;
  }

  @Override
  public boolean isRebuilding() {
    return rebuilding;
  }

  @Override
  public <T> ReadModelRepository<T> readModel(ReadModel<T> readModel) {
    checkOpen();
    return new Repository<>(readModels.require(readModel, projectionId));
  }

  void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the handler context of projection '" + projectionId
          + "' for event " + envelope.eventId() + " at position " + envelope.position()
          + " is closed: the handler call is over (finished, failed or timed out)");
    }
  }

  /** A read model seen through the batch: committed data overlaid with the batch's writes. */
  private final class Repository<T> implements ReadModelRepository<T> {
    private final ReadModel<T> readModel;

    Repository(ReadModel<T> readModel) {
      this.readModel = readModel;
    }

    @Override
    public ReadModel<T> definition() {
      return readModel;
    }

    @Override
    public Optional<T> findById(String id) {
      checkOpen();
      return StoredDocument.isValidId(id) ? unitOfWork.find(readModel, id) : Optional.empty();
    }

    @Override
    public List<T> findBy(String index, String value) {
      checkOpen();
      ReadModels.requireIndex(readModel, index);
      TreeMap<String, T> matches = new TreeMap<>();
      store.findByIndex(readModel.name(), index, value)
          .forEach(document -> matches.put(document.id(), readModels.decode(readModel, document)));
      overlay(matches, write -> value.equals(write.indexValues().get(index)));
      return List.copyOf(matches.values());
    }

    @Override
    public long count() {
      checkOpen();
      long count = store.count(readModel.name());
      for (Map.Entry<String, PendingWrite> write
          : unitOfWork.pendingWrites(readModel.name()).entrySet()) {
        boolean existed = unitOfWork.base(readModel.name(), write.getKey()) != DocumentCache.ABSENT;
        boolean exists = !write.getValue().isDelete();
        count += (exists ? 1 : 0) - (existed ? 1 : 0);
      }
      return count;
    }

    @Override
    public Stream<T> streamAll() {
      checkOpen();
      TreeMap<String, T> all = new TreeMap<>();
      CommittedView.pages(store, readModel.name())
          .forEach(document -> all.put(document.id(), readModels.decode(readModel, document)));
      overlay(all, write -> true);
      return all.values().stream();
    }

    @Override
    public void save(T document) {
      checkOpen();
      unitOfWork.save(readModel, document);
    }

    @Override
    public void deleteById(String id) {
      checkOpen();
      if (StoredDocument.isValidId(id)) {
        unitOfWork.delete(readModel.name(), id);
      }
    }

    /** Replaces committed documents by this batch's writes: kept if they match, else removed. */
    private void overlay(TreeMap<String, T> documents, Predicate<PendingWrite> matches) {
      unitOfWork.pendingWrites(readModel.name()).forEach((id, write) -> {
        if (!write.isDelete() && matches.test(write)) {
          documents.put(id, write.value(readModel, readModels));
        } else {
          documents.remove(id);
        }
      });
    }
  }
}
