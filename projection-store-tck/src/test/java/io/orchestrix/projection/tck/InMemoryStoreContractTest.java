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

  /**
   * The in-memory store applies a commit in one step under its lock, so a commit is one write: a
   * fault "after 0 writes" refuses it before anything is applied, and after 1 it has gone through.
   */
  @Override
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    return writes > 0 ? store : new CommitFailingStore(store);
  }
}
