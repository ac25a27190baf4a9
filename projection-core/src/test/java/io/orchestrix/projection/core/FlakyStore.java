package io.orchestrix.projection.core;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** A store whose commits fail, as in an outage, while {@link #outage} is above zero. */
final class FlakyStore implements ProjectionStore {

  final AtomicInteger outage = new AtomicInteger();
  final AtomicInteger refusedCommits = new AtomicInteger();
  private final ProjectionStore delegate;

  FlakyStore(ProjectionStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void commit(Commit commit) {
    if (outage.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      refusedCommits.incrementAndGet();
      throw new StoreException("connection refused (simulated outage)", true, null);
    }
    delegate.commit(commit);
  }

  @Override public String description() { return "flaky " + delegate.description(); }
  @Override public void prepareReadModel(ReadModelSchema schema) { delegate.prepareReadModel(schema); }
  @Override public long claimWriter(String projectionId) { return delegate.claimWriter(projectionId); }
  @Override public Optional<StoredDocument> find(String rm, String id) { return delegate.find(rm, id); }
  @Override public Map<String, StoredDocument> findAll(String rm, Collection<String> ids) { return delegate.findAll(rm, ids); }
  @Override public List<StoredDocument> findByIndex(String rm, String index, String value) { return delegate.findByIndex(rm, index, value); }
  @Override public long count(String rm) { return delegate.count(rm); }
  @Override public List<StoredDocument> page(String rm, @Nullable String afterId, int limit) { return delegate.page(rm, afterId, limit); }
  @Override public List<DeadLetter> deadLetters(String projectionId) { return delegate.deadLetters(projectionId); }
  @Override public Optional<ProjectionState> loadState(String projectionId) { return delegate.loadState(projectionId); }
  @Override public void saveState(ProjectionState state) { delegate.saveState(state); }
  @Override public void close() { delegate.close(); }
}
