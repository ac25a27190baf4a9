package io.orchestrix.projection.core;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A store that forwards every call, for tests that change one behaviour. */
class ForwardingStore implements ProjectionStore {

  private final ProjectionStore delegate;

  ForwardingStore(ProjectionStore delegate) {
    this.delegate = delegate;
  }

  @Override public void commit(Commit commit) { delegate.commit(commit); }
  @Override public void checkDocument(String rm, StoredDocument document) { delegate.checkDocument(rm, document); }
  @Override public String description() { return "forwarding " + delegate.description(); }
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
  @Override public Optional<Lease> acquireLease(String group, String resource, String owner, Duration ttl) {
    return delegate.acquireLease(group, resource, owner, ttl);
  }
  @Override public boolean releaseLease(String group, String resource, String owner) {
    return delegate.releaseLease(group, resource, owner);
  }
  @Override public List<Lease> leases(String group) { return delegate.leases(group); }
  @Override public void close() { delegate.close(); }
}
