package io.orchestrix.projection.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's quick start and runner snippets, as written there but on the memory: store. */
class ReadmeQuickStartTest {

  record OrderPlaced(String orderId, String customer) {}

  record OrderShipped(String orderId) {}

  record Order(String id, String customer, String status) {}

  static final ReadModel<Order> ORDERS = ReadModel.builder("orders", Order.class)
      .id(Order::id)
      .index("status", Order::status)
      .build();

  private static ProjectionEngine engine() {
    return engine(FailurePolicy.stop());
  }

  private static ProjectionEngine engine(FailurePolicy failurePolicy) {
    ProjectionEngine engine = Projections.engine("orders")
        .store(ProjectionStores.open("memory:"))
        .readModel(ORDERS)
        .failurePolicy(failurePolicy)          // retry, then dead-letter; default: stop
        .build();
    engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext ctx) ->
        ctx.readModel(ORDERS).save(new Order(e.orderId(), e.customer(), "PLACED")));
    engine.on(OrderShipped.class, (OrderShipped e, HandlerContext ctx) -> {
      var orders = ctx.readModel(ORDERS);
      orders.findById(e.orderId()).ifPresent(o -> orders.save(new Order(o.id(), o.customer(), "SHIPPED")));
    });
    return engine;
  }

  @Test
  void theQuickStartBuildsAndQueriesTheReadModel() {
    ProjectionEngine engine = engine();

    engine.processEvents(List.of(
        EventEnvelope.of("evt-1", "order-1", 1, Instant.now(), new OrderPlaced("order-1", "Ann")),
        EventEnvelope.of("evt-2", "order-1", 2, Instant.now(), new OrderShipped("order-1"))));

    List<Order> shipped = engine.readModel(ORDERS).findBy("status", "SHIPPED");
    assertThat(shipped).containsExactly(new Order("order-1", "Ann", "SHIPPED"));
  }

  @Test
  void theRunnerSnippetReadsItsOwnWrite() throws InterruptedException {
    ProjectionEngine engine = engine(FailurePolicy.retry(3).thenDeadLetter());
    InMemoryEventLog log = new InMemoryEventLog();
    ProjectionRunner runner = ProjectionRunner.builder(log)
        .projection(engine)
        .batchSize(1_000)
        .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
        .build();
    runner.start();
    try {
      long position = log.append("order-1", 0, List.of(new OrderPlaced("order-1", "Ann")));

      assertThat(runner.awaitPosition("orders", position, Duration.ofSeconds(5))).isTrue();
      assertThat(engine.readModel(ORDERS).findById("order-1")).isPresent();
      assertThat(runner.status("orders").position()).isEqualTo(position);
      assertThat(runner.health().up()).isTrue();
    } finally {
      runner.stop();
    }
  }
}
