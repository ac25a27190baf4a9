package io.orchestrix.projection.test.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The store a scenario's engine writes through: it forwards every call to the real store, fails the
 * commit that carries a chosen position as a {@code Fault.StoreFailure} says. Thread-safe. Closing it closes nothing: the
 * fixture owns the real store.
 */
public final class KitStore implements ProjectionStore {

  private final ProjectionStore delegate;
  private volatile long failingPosition;
  private volatile boolean failAfterApplying;
  private final AtomicInteger failuresLeft = new AtomicInteger();

  public KitStore(ProjectionStore delegate) {
    this.delegate = delegate;
  }

  /** Fails the commits that carry the event at this position, {@code times} times. */
  public void failCommitAt(long position, int times, boolean afterApplying) {
    this.failAfterApplying = afterApplying;
    this.failuresLeft.set(times);
    this.failingPosition = position;
  }

  /** The real store. */
  public ProjectionStore delegate() {
    return delegate;
  }

  @Override
  public void commit(Commit commit) {
    boolean fail = carriesFailingPosition(commit) && failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    if (fail && !failAfterApplying) {
      throw outage("refused", commit);
    }
    delegate.commit(commit);
    if (fail) {
      throw outage("applied, but its reply was lost", commit);
    }
  }

  private boolean carriesFailingPosition(Commit commit) {
    long position = failingPosition;
    return position > 0 && commit.expectedPosition() < position
        && commit.state().lastProcessedPosition() >= position;
  }

  private static StoreException outage(String what, Commit commit) {
    return StoreException.outage("fault injected by the test kit: the commit of positions "
        + (commit.expectedPosition() + 1) + ".." + commit.state().lastProcessedPosition() + " was "
        + what, commit.projectionId(), null);
  }

  @Override public boolean commitsAtomically() { return delegate.commitsAtomically(); }
  @Override public void checkDocument(String rm, StoredDocument document) { delegate.checkDocument(rm, document); }
  @Override public String description() { return delegate.description(); }
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

  /** Closes nothing: the real store belongs to whoever opened it. */
  @Override public void close() {}
}
