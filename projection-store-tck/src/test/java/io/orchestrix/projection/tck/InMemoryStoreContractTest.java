package io.orchestrix.projection.tck;

import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.spi.ProjectionStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

/**
 * The kit on the in-memory store. Its data lives in the store object, so "a new instance over the
 * same data" is the same object: each test gets a fresh one, and every open within the test returns
 * it (closing it releases nothing).
 */
@DisplayName("in-memory store")
class InMemoryStoreContractTest extends ProjectionStoreContract {

  private InMemoryProjectionStateStore store;

  @BeforeEach
  void freshStore() {
    store = new InMemoryProjectionStateStore("contract-test");
  }

  @Override
  protected ProjectionStore openStore() {
    return store;
  }
}
