package io.orchestrix.projection.mongo;

import static io.orchestrix.projection.mongo.OrderWorkload.CUSTOMERS;
import static io.orchestrix.projection.mongo.OrderWorkload.ORDERS;
import static io.orchestrix.projection.mongo.OrderWorkload.PROJECTION;
import static io.orchestrix.projection.mongo.OrderWorkload.engine;
import static io.orchestrix.projection.mongo.OrderWorkload.outcome;
import static io.orchestrix.projection.mongo.OrderWorkload.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.mongo.OrderWorkload.ItemAdded;
import io.orchestrix.projection.mongo.OrderWorkload.OrderPlaced;
import io.orchestrix.projection.mongo.internal.WriteFaults;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once effect in standalone mode, end to end with the real engine: a run whose store "crashes"
 * after any number of writes (every later write fails too, as in a dead process), followed by a fresh
 * store and engine processing the whole stream again, ends with the same read models, checkpoint and
 * dead letters as an uninterrupted run, and as the engine's in-memory reference store.
 */
class StandaloneRecoveryTest {

  private static final int BATCH = 10;

  private static TestMongo server;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  @DisplayName("a standalone run crashed after any write, then reprocessed, equals an uninterrupted run")
  void crashAfterAnyWriteThenReprocessingGivesTheUninterruptedResult() {
    List<EventEnvelope<?>> events = workload();
    Map<String, Object> reference = runOnMemory(events);
    AtomicInteger writesOfCleanRun = new AtomicInteger();
    String cleanPrefix = TestMongo.freshPrefix();
    try (MongoProjectionStore clean = open(cleanPrefix, write -> writesOfCleanRun.incrementAndGet())) {
      assertThat(clean.mode()).isEqualTo(MongoStoreMode.STANDALONE);
      process(clean, events);
      assertThat(outcome(clean)).as("an uninterrupted MongoDB run against the in-memory store")
          .isEqualTo(reference);
    }
    assertThat(writesOfCleanRun.get()).as("writes of the clean run").isGreaterThan(events.size() / BATCH * 3);

    boolean sawDocumentsAheadOfCheckpoint = false;
    for (int cut = 0; cut < writesOfCleanRun.get(); cut++) {
      String prefix = TestMongo.freshPrefix();
      try (MongoProjectionStore crashing = open(prefix, crashAfter(cut))) {
        Throwable crash = catchThrowable(() -> process(crashing, events));
        assertThat(crash).as("crash after %d writes", cut).isInstanceOf(StoreException.class);
      }
      try (MongoProjectionStore restarted = open(prefix, WriteFaults.NONE)) {
        sawDocumentsAheadOfCheckpoint |= hasDocumentsAheadOfCheckpoint(restarted);
        process(restarted, events);
        assertThat(outcome(restarted)).as("after a crash after %d writes and reprocessing", cut)
            .isEqualTo(reference);
      }
    }
    assertThat(sawDocumentsAheadOfCheckpoint)
        .as("some crash left documents ahead of the checkpoint, as the standalone mode documents")
        .isTrue();
  }

  @Test
  @DisplayName("a dead letter retried in standalone mode changes documents last written at the checkpoint")
  void deadLetterRetryAtTheCheckpoint() {
    List<EventEnvelope<?>> events = List.of(
        EventEnvelope.of("e1", "o-1", 1, Instant.EPOCH, new OrderPlaced("o-1", "c-1")),
        // a credit: the retried change makes the customer document compare lower than before
        EventEnvelope.of("e2", "o-1", 2, Instant.EPOCH, new ItemAdded("o-1", new BigDecimal("-5.25"))),
        EventEnvelope.of("e3", "o-2", 3, Instant.EPOCH, new OrderPlaced("o-2", "c-1")),
        EventEnvelope.of("e4", "o-2", 4, Instant.EPOCH, new ItemAdded("o-2", new BigDecimal("0.01"))));
    Map<String, Object> reference = runOnMemory(events);
    try (MongoProjectionStore store = open(TestMongo.freshPrefix(), WriteFaults.NONE)) {
      AtomicBoolean failing = new AtomicBoolean(true);
      ProjectionEngine engine = engine(store, FailurePolicy.deadLetter(), failing);
      engine.processEvents(events);
      assertThat(store.deadLetters(PROJECTION)).extracting(d -> d.position()).containsExactly(2L);
      assertThat(store.find(CUSTOMERS.name(), "c-1").orElseThrow().position())
          .as("the customer was last written at the checkpoint").isEqualTo(4);

      failing.set(false);
      engine.operations().retryDeadLetters(letter -> true);

      assertThat(outcome(store)).isEqualTo(reference);
    }
  }

  /** A store with both read models prepared, as the engine prepares them. */
  private static MongoProjectionStore open(String prefix, WriteFaults faults) {
    MongoProjectionStore store = MongoProjectionStore.open(server.uri(),
        TestMongo.options(prefix).mode(MongoStoreMode.STANDALONE).build(), faults);
    OrderWorkload.prepare(store);
    return store;
  }

  /** Fails the write after {@code cut} writes and every one after it, like a process that died. */
  private static WriteFaults crashAfter(int cut) {
    AtomicInteger sent = new AtomicInteger();
    AtomicBoolean dead = new AtomicBoolean();
    return write -> {
      if (dead.get() || sent.getAndIncrement() >= cut) {
        dead.set(true);
        throw StoreException.outage("injected crash before " + write, null, null);
      }
    };
  }

  private static boolean hasDocumentsAheadOfCheckpoint(ProjectionStore store) {
    long checkpoint = store.loadState(PROJECTION).map(s -> s.lastProcessedPosition()).orElse(0L);
    for (String readModel : List.of(ORDERS.name(), CUSTOMERS.name())) {
      for (StoredDocument document : store.page(readModel, null, 10_000)) {
        if (document.position() > checkpoint) {
          return true;
        }
      }
    }
    return false;
  }

  private static void process(ProjectionStore store, List<EventEnvelope<?>> events) {
    ProjectionEngine engine = engine(store);
    for (int from = 0; from < events.size(); from += BATCH) {
      engine.processEvents(events.subList(from, Math.min(events.size(), from + BATCH)));
    }
  }

  private static Map<String, Object> runOnMemory(List<EventEnvelope<?>> events) {
    InMemoryProjectionStateStore memory = new InMemoryProjectionStateStore();
    process(memory, events);
    return outcome(memory);
  }

}
