package io.orchestrix.projection.tck;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ForwardingProjectionStore;

/**
 * A store that hands every call to another, for the kit's tests to change one behaviour at a time.
 * Thread-safe if the store it wraps is.
 */
class ForwardingStore extends ForwardingProjectionStore {

  ForwardingStore(ProjectionStore delegate) {
    super(delegate);
  }
}
