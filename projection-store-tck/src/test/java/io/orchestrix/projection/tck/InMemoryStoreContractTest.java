package io.orchestrix.projection.tck;

import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

/**
 * The kit on the in-memory store. Each test gets fresh data; every open within the test is a new
 * store over it ({@link InMemoryProjectionStateStore#openAnother()}), closed on its own.
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
    return store.openAnother();
  }

  /**
   * The in-memory store applies a commit in one step under its lock, so a commit is one write: a
   * fault "after 0 writes" refuses it before anything is applied, and after 1 it has gone through.
   */
  @Override
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    return writes > 0 ? store.openAnother() : new CommitFailingStore(store.openAnother());
  }

  /** {@code memory:} and {@code memory:NAME} are its only forms; it has no host, so no {@link #uriScheme()}. */
  @Override
  protected List<String> malformedUris() {
    return List.of("memory:/absolute", "memory://" + connectionTrapAddress() + "/db", "memory:name?option=1");
  }

  @Override
  protected Optional<String> storeUri() {
    return Optional.of("memory:");
  }
}
