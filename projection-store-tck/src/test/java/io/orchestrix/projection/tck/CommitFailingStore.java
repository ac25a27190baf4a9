package io.orchestrix.projection.tck;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A store whose commits fail before they reach the store it wraps, as an outage would. */
final class CommitFailingStore implements ProjectionStore {

  private final ProjectionStore delegate;

  CommitFailingStore(ProjectionStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void commit(Commit commit) {
    throw StoreException.outage("injected fault: commit of projection '" + commit.projectionId()
        + "' did not reach " + delegate.description(), null, null);
  }

  @Override
  public String description() {
    return "failing " + delegate.description();
  }

  @Override
  public void prepareReadModel(ReadModelSchema schema) {
    delegate.prepareReadModel(schema);
  }

  @Override
  public long claimWriter(String projectionId) {
    return delegate.claimWriter(projectionId);
  }

  @Override
  public Optional<StoredDocument> find(String readModel, String id) {
    return delegate.find(readModel, id);
  }

  @Override
  public Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    return delegate.findAll(readModel, ids);
  }

  @Override
  public List<StoredDocument> findByIndex(String readModel, String index, String value) {
    return delegate.findByIndex(readModel, index, value);
  }

  @Override
  public long count(String readModel) {
    return delegate.count(readModel);
  }

  @Override
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    return delegate.page(readModel, afterId, limit);
  }

  @Override
  public List<DeadLetter> deadLetters(String projectionId) {
    return delegate.deadLetters(projectionId);
  }

  @Override
  public Optional<ProjectionState> loadState(String projectionId) {
    return delegate.loadState(projectionId);
  }

  @Override
  public void saveState(ProjectionState state) {
    delegate.saveState(state);
  }

  @Override
  public void close() {
    // the wrapped store belongs to the test
  }
}
