package io.orchestrix.projection.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitOfWorkTest {

  @Test
  void aUnitOfWorkKeepsOnlyTheBatchBeforeItNotTheWholeChain() throws InterruptedException {
    InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
    DocumentCache cache = new DocumentCache(10);
    ReadModels readModels = new ReadModels(List.of(), JacksonDocumentCodec.create());
    UnitOfWork first = new UnitOfWork(store, cache, readModels, false, true, null);
    WeakReference<UnitOfWork> firstRef = new WeakReference<>(first);
    UnitOfWork second = new UnitOfWork(store, cache, readModels, false, true, first);
    first = null;
    UnitOfWork third = new UnitOfWork(store, cache, readModels, false, true, second);
    second = null;

    for (int i = 0; i < 20 && firstRef.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }

    assertThat(firstRef.get()).as("the first batch, two batches back, can be collected").isNull();
    assertThat(third).isNotNull();
  }
}
