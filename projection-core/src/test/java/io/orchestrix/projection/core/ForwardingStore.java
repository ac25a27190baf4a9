package io.orchestrix.projection.core;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ForwardingProjectionStore;

/** A store that forwards every call, for tests that change one behaviour. */
class ForwardingStore extends ForwardingProjectionStore {

  ForwardingStore(ProjectionStore delegate) {
    super(delegate);
  }

  @Override
  public String description() {
    return "forwarding " + delegate().description();
  }
}
