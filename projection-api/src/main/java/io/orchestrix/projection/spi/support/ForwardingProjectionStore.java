package io.orchestrix.projection.spi.support;

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
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A store that hands every call to another store unchanged, for decorators that change or observe
 * one behaviour (tracing a commit, injecting a fault, counting calls) and override only that method.
 *
 * <p>Every method forwards to {@link #delegate()} and returns or throws what it does, so the decorator
 * keeps the delegate's contract, including what holds after a crash. Thread-safe if the delegate is
 * and the subclass adds no unsynchronised state. {@link #close()} closes the delegate; a decorator
 * that does not own its delegate overrides it.
 */
public abstract class ForwardingProjectionStore implements ProjectionStore {

  private final ProjectionStore delegate;

  /**
   * Forwards to the given store.
   *
   * @param delegate the store every call goes to
   * @throws NullPointerException if {@code delegate} is null
   */
  protected ForwardingProjectionStore(ProjectionStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * The store every call goes to.
   *
   * @return the store given at construction, never null
   */
  protected final ProjectionStore delegate() {
    return delegate;
  }

  @Override
  public String description() {
    return delegate.description();
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
  public void commit(Commit commit) {
    delegate.commit(commit);
  }

  @Override
  public boolean commitsAtomically() {
    return delegate.commitsAtomically();
  }

  @Override
  public void checkDocument(String readModel, StoredDocument document) {
    delegate.checkDocument(readModel, document);
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
  public Optional<Lease> acquireLease(String group, String resource, String owner, Duration ttl) {
    return delegate.acquireLease(group, resource, owner, ttl);
  }

  @Override
  public boolean releaseLease(String group, String resource, String owner) {
    return delegate.releaseLease(group, resource, owner);
  }

  @Override
  public List<Lease> leases(String group) {
    return delegate.leases(group);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
