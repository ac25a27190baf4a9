package io.orchestrix.projection.tck;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;

/** A store whose commits fail before they reach the store it wraps, as an outage would. */
final class CommitFailingStore extends ForwardingStore {

  CommitFailingStore(ProjectionStore delegate) {
    super(delegate);
  }

  @Override
  public void commit(Commit commit) {
    throw StoreException.outage("injected fault: commit of projection '" + commit.projectionId()
        + "' did not reach " + delegate().description(), null, null);
  }

  @Override
  public String description() {
    return "failing " + delegate().description();
  }
}
