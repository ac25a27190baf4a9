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
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

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
  private volatile boolean closed;

  BatchContext(String projectionId, EventEnvelope<?> envelope, UnitOfWork unitOfWork,
      ReadModels readModels, ProjectionStore store) {
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
      StoredDocument.requireValidId(id);
      return unitOfWork.find(readModel, id);
    }

    @Override
    public List<T> findBy(String index, String value) {
      checkOpen();
      ReadModels.requireIndex(readModel, index);
      TreeMap<String, StoredDocument> matches = new TreeMap<>();
      store.findByIndex(readModel.name(), index, value)
          .forEach(document -> matches.put(document.id(), document));
      overlay(matches, index, value);
      return matches.values().stream()
          .map(document -> readModels.decode(readModel, document))
          .toList();
    }

    @Override
    public long count() {
      checkOpen();
      long count = store.count(readModel.name());
      for (Map.Entry<String, @Nullable StoredDocument> write
          : unitOfWork.pendingDocuments(readModel.name()).entrySet()) {
        boolean existed = unitOfWork.base(readModel.name(), write.getKey()) != DocumentCache.ABSENT;
        boolean exists = write.getValue() != null;
        count += (exists ? 1 : 0) - (existed ? 1 : 0);
      }
      return count;
    }

    @Override
    public Stream<T> streamAll() {
      checkOpen();
      TreeMap<String, StoredDocument> all = new TreeMap<>();
      CommittedView.pages(store, readModel.name()).forEach(document -> all.put(document.id(), document));
      overlay(all, null, null);
      return all.values().stream().map(document -> readModels.decode(readModel, document));
    }

    @Override
    public void save(T document) {
      checkOpen();
      unitOfWork.save(readModel, document);
    }

    @Override
    public void deleteById(String id) {
      checkOpen();
      StoredDocument.requireValidId(id);
      unitOfWork.delete(readModel.name(), id);
    }

    private void overlay(
        TreeMap<String, StoredDocument> documents, @Nullable String index, @Nullable String value) {
      unitOfWork.pendingDocuments(readModel.name()).forEach((id, document) -> {
        boolean matches = document != null
            && (index == null || document.indexValues().get(index) != null
                && document.indexValues().get(index).equals(value));
        if (matches) {
          documents.put(id, document);
        } else {
          documents.remove(id);
        }
      });
    }
  }
}
