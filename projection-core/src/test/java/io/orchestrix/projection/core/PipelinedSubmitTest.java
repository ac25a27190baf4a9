package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.spi.Commit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PipelinedSubmitTest {

  /** Holds every commit until released, and can fail the n-th. */
  private static final class GatedStore extends ForwardingStore {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger commits = new AtomicInteger();
    volatile int failCommitNumber = -1;
    volatile boolean gated = true;

    GatedStore() {
      super(new InMemoryProjectionStateStore());
    }

    @Override
    public void commit(Commit commit) {
      try {
        if (gated) {
          release.await(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (commits.incrementAndGet() == failCommitNumber) {
        throw StoreException.outage("connection reset (simulated)", null, null);
      }
      super.commit(commit);
    }
  }

  private static ProjectionEngine engine(GatedStore store) {
    ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS).build();
    Fixtures.accountHandlers(engine);
    return engine;
  }

  @Test
  void theNextBatchSeesTheWritesOfOneWhoseCommitIsStillInFlight() {
    GatedStore store = new GatedStore();
    ProjectionEngine engine = engine(store);

    CompletableFuture<BatchResult> first =
        engine.processEventsPipelined(events(1, new Opened("a", "ann"), new Deposited("a", 2))).toCompletableFuture();
    // the first commit is held, yet the second batch's handlers find account a with its balance
    CompletableFuture<BatchResult> second =
        engine.processEventsPipelined(events(3, new Deposited("a", 3))).toCompletableFuture();
    assertThat(first).isNotDone();
    assertThat(engine.state().lastProcessedPosition()).isZero();

    store.release.countDown();

    assertThat(first.join()).isEqualTo(new BatchResult(2, 0, 0, 2));
    assertThat(second.join()).isEqualTo(new BatchResult(1, 0, 0, 3));
    assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(5);
    assertThat(engine.state().lastProcessedPosition()).isEqualTo(3);
  }

  @Test
  void manyBatchesSubmittedBackToBackCommitInOrderWithTheSameResultAsProcessEvents() {
    GatedStore store = new GatedStore();
    store.release.countDown();
    ProjectionEngine engine = engine(store);
    List<CompletableFuture<BatchResult>> stages = new ArrayList<>();
    stages.add(engine.processEventsPipelined(events(1, new Opened("a", "ann"))).toCompletableFuture());
    for (int p = 2; p <= 501; p += 10) {
      Object[] deposits = new Object[10];
      java.util.Arrays.fill(deposits, new Deposited("a", 1));
      stages.add(engine.processEventsPipelined(events(p, deposits)).toCompletableFuture());
    }

    stages.forEach(CompletableFuture::join);

    assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(500);
    assertThat(engine.state().lastProcessedPosition()).isEqualTo(501);
    assertThat(store.commits.get()).isEqualTo(51);
  }

  @Test
  void aFailedQueuedCommitFailsTheBatchQueuedAfterItAndTheNextCallNamesTheCheckpoint() {
    GatedStore store = new GatedStore();
    ProjectionEngine engine = engine(store);
    store.gated = false;
    engine.processEvents(events(1, new Opened("a", "ann")));
    store.gated = true;
    store.failCommitNumber = 2;
    CompletableFuture<BatchResult> second =
        engine.processEventsPipelined(events(2, new Deposited("a", 10))).toCompletableFuture();
    CompletableFuture<BatchResult> third =
        engine.processEventsPipelined(events(3, new Deposited("a", 100))).toCompletableFuture();

    store.release.countDown();

    assertThatThrownBy(second::join).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StoreException.class).hasMessageContaining("connection reset");
    assertThatThrownBy(third::join).hasMessageContaining("an earlier batch's commit failed");
    assertThatThrownBy(() -> engine.processEventsPipelined(events(4, new Deposited("a", 1000))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("resume with the events after position 1");

    // resuming from the checkpoint applies everything exactly once
    engine.processEvents(events(2, new Deposited("a", 10), new Deposited("a", 100),
        new Deposited("a", 1000)));
    assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(1110);
  }

  @Test
  void replayPipelinesItsBatchesAndWaitsForTheLastCommit() {
    GatedStore store = new GatedStore();
    store.release.countDown();
    ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
        .batchSize(3).handlerTimeout(Duration.ofSeconds(1)).build();
    Fixtures.accountHandlers(engine);
    List<Object> payloads = new ArrayList<>();
    payloads.add(new Opened("a", "ann"));
    for (int i = 0; i < 20; i++) {
      payloads.add(new Deposited("a", 1));
    }

    BatchResult result = engine.replay(events(1, payloads.toArray()));

    assertThat(result).isEqualTo(new BatchResult(21, 0, 0, 21));
    assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(20);
  }
}
