package io.orchestrix.projection.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.mongo.internal.WriteFaults;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  private static final String PROJECTION = "order-summary";
  private static final int BATCH = 10;

  record OrderView(String orderId, String customerId, String status, BigDecimal total, int lines) {}

  record CustomerView(String customerId, BigDecimal spent, int orders) {}

  record OrderPlaced(String orderId, String customerId) {}

  record ItemAdded(String orderId, BigDecimal price) {}

  record OrderShipped(String orderId) {}

  record OrderCancelled(String orderId) {}

  static final ReadModel<OrderView> ORDERS = ReadModel.builder("order_view", OrderView.class)
      .id(OrderView::orderId).index("status", OrderView::status)
      .index("customer_id", OrderView::customerId).build();
  static final ReadModel<CustomerView> CUSTOMERS =
      ReadModel.builder("customer_view", CustomerView.class).id(CustomerView::customerId).build();

  private static final ObjectMapper EXACT = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

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
    for (ReadModel<?> readModel : List.of(ORDERS, CUSTOMERS)) {
      store.prepareReadModel(new ReadModelSchema(readModel.name(), readModel.indexNames()));
    }
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

  private static Map<String, Object> outcome(ProjectionStore store) {
    Map<String, Object> outcome = new TreeMap<>();
    outcome.put("checkpoint", store.loadState(PROJECTION).orElseThrow().lastProcessedPosition());
    outcome.put("healthy", store.loadState(PROJECTION).orElseThrow().healthy());
    outcome.put("deadLetters", store.deadLetters(PROJECTION).size());
    outcome.put("orders", exactContents(store, ORDERS.name()));
    outcome.put("customers", exactContents(store, CUSTOMERS.name()));
    return outcome;
  }

  /** Every document by id, its numbers compared as exact decimals (scale included). */
  private static Map<String, Object> exactContents(ProjectionStore store, String readModel) {
    Map<String, Object> contents = new TreeMap<>();
    for (StoredDocument document : store.page(readModel, null, 10_000)) {
      try {
        contents.put(document.id(), List.of(EXACT.readTree(document.json()),
            new TreeMap<>(document.indexValues())));
      } catch (JsonProcessingException e) {
        throw new AssertionError("not JSON: " + document.json(), e);
      }
    }
    return contents;
  }

  private static ProjectionEngine engine(ProjectionStore store) {
    return engine(store, FailurePolicy.stop(), new AtomicBoolean());
  }

  /** The engine; while {@code failing} is set, items added to o-1 fail. */
  private static ProjectionEngine engine(
      ProjectionStore store, FailurePolicy policy, AtomicBoolean failing) {
    ProjectionEngine engine = Projections.engine(PROJECTION).store(store).failurePolicy(policy)
        .readModel(ORDERS).readModel(CUSTOMERS).build();
    engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext c) -> {
      c.readModel(ORDERS).save(new OrderView(e.orderId(), e.customerId(), "PLACED", BigDecimal.ZERO, 0));
      ReadModelRepository<CustomerView> customers = c.readModel(CUSTOMERS);
      CustomerView customer = customers.findById(e.customerId())
          .orElse(new CustomerView(e.customerId(), BigDecimal.ZERO, 0));
      customers.save(new CustomerView(customer.customerId(), customer.spent(), customer.orders() + 1));
    });
    engine.on(ItemAdded.class, (ItemAdded e, HandlerContext c) -> {
      if (failing.get() && e.orderId().equals("o-1")) {
        throw new IllegalStateException("item of o-1 refused while failing");
      }
      OrderView order = c.readModel(ORDERS).findById(e.orderId()).orElseThrow();
      c.readModel(ORDERS).save(new OrderView(order.orderId(), order.customerId(), order.status(),
          order.total().add(e.price()), order.lines() + 1));
      CustomerView customer = c.readModel(CUSTOMERS).findById(order.customerId()).orElseThrow();
      c.readModel(CUSTOMERS).save(new CustomerView(customer.customerId(),
          customer.spent().add(e.price()), customer.orders()));
    });
    engine.on(OrderShipped.class, (OrderShipped e, HandlerContext c) -> {
      OrderView order = c.readModel(ORDERS).findById(e.orderId()).orElseThrow();
      c.readModel(ORDERS).save(new OrderView(order.orderId(), order.customerId(), "SHIPPED",
          order.total(), order.lines()));
    });
    engine.on(OrderCancelled.class, (OrderCancelled e, HandlerContext c) -> {
      OrderView order = c.readModel(ORDERS).findById(e.orderId()).orElseThrow();
      c.readModel(ORDERS).deleteById(order.orderId());
      CustomerView customer = c.readModel(CUSTOMERS).findById(order.customerId()).orElseThrow();
      c.readModel(CUSTOMERS).save(new CustomerView(customer.customerId(),
          customer.spent().subtract(order.total()), customer.orders() - 1));
    });
    return engine;
  }

  /**
   * Eight orders of three customers, with prices that a double would not keep exact; two orders are
   * cancelled (deleted) in the same batch as items added to them just before.
   */
  static List<EventEnvelope<?>> workload() {
    String[] prices = {"269.97", "0.1", "0.2", "19.99", "1000000000000000.01", "3.333"};
    List<Object> payloads = new ArrayList<>();
    for (int order = 0; order < 8; order++) {
      payloads.add(new OrderPlaced("o-" + order, "c-" + order % 3));
    }
    for (int round = 0; round < 5; round++) {
      for (int order = 0; order < 8; order++) {
        if (order != 2 || round <= 2) {
          payloads.add(new ItemAdded("o-" + order, new BigDecimal(prices[(round + order) % prices.length])));
        }
      }
      if (round == 2) {
        payloads.add(new OrderShipped("o-1"));
        payloads.add(new OrderCancelled("o-2"));
      }
    }
    payloads.add(new ItemAdded("o-5", new BigDecimal("0.01")));
    payloads.add(new OrderCancelled("o-5"));
    payloads.add(new OrderShipped("o-3"));
    List<EventEnvelope<?>> events = new ArrayList<>();
    Instant at = Instant.parse("2026-03-01T10:00:00Z");
    for (int i = 0; i < payloads.size(); i++) {
      long position = 10L + i * 3L;
      events.add(EventEnvelope.of("event-" + position, "stream-" + i % 5, position,
          at.plusSeconds(i), payloads.get(i)));
    }
    return events;
  }
}
