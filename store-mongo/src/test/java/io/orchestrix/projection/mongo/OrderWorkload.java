package io.orchestrix.projection.mongo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.core.Projections;
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

/**
 * The order-summary projection the end-to-end tests run: orders and customers with exact decimal
 * totals, documents deleted by cancellations, and an outcome to compare runs by.
 */
final class OrderWorkload {

  static final String PROJECTION = "order-summary";

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

  private OrderWorkload() {}

  /** Prepares both read models on a store, as the engine prepares them. */
  static void prepare(ProjectionStore store) {
    for (ReadModel<?> readModel : List.of(ORDERS, CUSTOMERS)) {
      store.prepareReadModel(new ReadModelSchema(readModel.name(), readModel.indexNames()));
    }
  }

  /** The payloads of {@code orders} orders of three customers; see {@link #workload()}. */
  static List<Object> payloads(int orders) {
    String[] prices = {"269.97", "0.1", "0.2", "19.99", "1000000000000000.01", "3.333"};
    List<Object> payloads = new ArrayList<>();
    for (int order = 0; order < orders; order++) {
      payloads.add(new OrderPlaced("o-" + order, "c-" + order % 3));
    }
    for (int round = 0; round < 5; round++) {
      for (int order = 0; order < orders; order++) {
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
    return payloads;
  }

  /**
   * Eight orders of three customers, with prices that a double would not keep exact; two orders are
   * cancelled (deleted) in the same batch as items added to them just before. Positions start at 10
   * and leave gaps.
   */
  static List<EventEnvelope<?>> workload() {
    List<Object> payloads = payloads(8);
    List<EventEnvelope<?>> events = new ArrayList<>();
    Instant at = Instant.parse("2026-03-01T10:00:00Z");
    for (int i = 0; i < payloads.size(); i++) {
      long position = 10L + i * 3L;
      events.add(EventEnvelope.of("event-" + position, "stream-" + i % 5, position,
          at.plusSeconds(i), payloads.get(i)));
    }
    return events;
  }

  /** What a run left: checkpoint, health, dead letters, and every document exactly. */
  static Map<String, Object> outcome(ProjectionStore store) {
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

  static ProjectionEngine engine(ProjectionStore store) {
    return engine(store, FailurePolicy.stop(), new AtomicBoolean());
  }

  /** The engine; while {@code failing} is set, items added to o-1 fail. */
  static ProjectionEngine engine(
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
}
