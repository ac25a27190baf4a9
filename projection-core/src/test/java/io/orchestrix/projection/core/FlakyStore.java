package io.orchestrix.projection.core;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.concurrent.atomic.AtomicInteger;

/** A store whose commits fail, as in an outage, while {@link #outage} is above zero. */
final class FlakyStore extends ForwardingStore {

  final AtomicInteger outage = new AtomicInteger();
  final AtomicInteger refusedCommits = new AtomicInteger();

  FlakyStore(ProjectionStore delegate) {
    super(delegate);
  }

  @Override
  public void commit(Commit commit) {
    if (outage.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      refusedCommits.incrementAndGet();
      throw StoreException.outage("connection refused (simulated outage)", null, null);
    }
    super.commit(commit);
  }
}
