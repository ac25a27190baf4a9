package io.orchestrix.projection.test.internal;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ForwardingProjectionStore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store a scenario's engine writes through: it forwards every call to the real store, fails the
 * commit that carries a chosen position as a {@code Fault.StoreFailure} says. Thread-safe. Closing it closes nothing: the
 * fixture owns the real store.
 */
public final class KitStore extends ForwardingProjectionStore {

  private volatile long failingPosition;
  private volatile boolean failAfterApplying;
  private final AtomicInteger failuresLeft = new AtomicInteger();

  public KitStore(ProjectionStore delegate) {
    super(delegate);
  }

  /** Fails the commits that carry the event at this position, {@code times} times. */
  public void failCommitAt(long position, int times, boolean afterApplying) {
    this.failAfterApplying = afterApplying;
    this.failuresLeft.set(times);
    this.failingPosition = position;
  }

  /** The real store. */
  public ProjectionStore realStore() {
    return delegate();
  }

  @Override
  public void commit(Commit commit) {
    boolean fail = carriesFailingPosition(commit) && failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    if (fail && !failAfterApplying) {
      throw outage("refused", commit);
    }
    delegate().commit(commit);
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

  /** Closes nothing: the real store belongs to whoever opened it. */
  @Override
  public void close() {}
}
