package io.orchestrix.projection.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.Projections;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ProjectionRunner} on the Redis store whose connections are killed with {@code CLIENT KILL}
 * when it starts and while it runs, on a redis-server of the test's own: a call killed once is sent
 * again by the store, a call killed twice reaches the runner as a transient outage, which it waits
 * out; in the end the read model is what an undisturbed run gives and the projection is healthy.
 */
class RunnerConnectionKillTest {

  record OrderPlaced(String orderId, String customer) {}

  record OrderPaid(String orderId) {}

  record Order(String id, String customer, String status) {}

  static final ReadModel<Order> ORDERS = ReadModel.builder("orders", Order.class)
      .id(Order::id).index("status", Order::status).index("customer", Order::customer).build();

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path directory;

  @Test
  void theRunnerSurvivesConnectionsKilledAtStartUpAndMidRun() throws Exception {
    String name = "runner-" + UUID.randomUUID();
    try (PrivateRedisServer server = PrivateRedisServer.startPlain(directory);
        ServerAdmin admin = new ServerAdmin(server);
        RedisProjectionStore store = RedisProjectionStore.open(server.url(),
            Map.of(RedisStoreProperties.CLIENT_NAME, name))) {
      ProjectionEngine engine = Projections.engine("orders").store(store).readModel(ORDERS).build();
      engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext context) ->
          context.readModel(ORDERS).save(new Order(e.orderId(), e.customer(), "PLACED")));
      engine.on(OrderPaid.class, (OrderPaid e, HandlerContext context) -> {
        var orders = context.readModel(ORDERS);
        orders.findById(e.orderId()).ifPresent(order ->
            orders.save(new Order(order.id(), order.customer(), "PAID")));
      });
      InMemoryEventLog log = new InMemoryEventLog();
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).batchSize(20)
          .meterRegistry(meters).build();
      // the runner's meters appear once its worker knows which generation of the projection it runs
      DoubleSupplier retries = () -> {
        Counter counter = meters.find(MetricNames.RETRIES).counter();
        return counter == null ? 0 : counter.count();
      };
      try {
        assertThat(admin.killAll(name)).as("idle connections killed before the start").isPositive();
        long placed = append(log, 0, 60, i -> new OrderPlaced("o" + i, "c" + i % 7));
        admin.pauseWrites();
        runner.start();
        // at start-up the first held call is the engine's preparation of its read model; whether the
        // store's one resend reaches a fresh connection (and is held and killed too) or another
        // connection the kill above left dead depends on the pool, so only the runner's retry counts
        assertThat(killHeldCallsUntilTheRunnerRetries(admin, name, retries))
            .as("calls killed at start-up").isPositive();
        admin.unpause();
        assertThat(runner.awaitPosition("orders", placed, DEADLINE)).as("caught up after start-up")
            .isTrue();

        admin.pauseWrites();
        long paid = append(log, 0, 30, i -> new OrderPaid("o" + i * 2));
        assertThat(killHeldCallsUntilTheRunnerRetries(admin, name, retries))
            .as("calls killed while running").isGreaterThanOrEqualTo(2);
        admin.unpause();
        assertThat(runner.awaitPosition("orders", paid, DEADLINE)).as("caught up after the kills")
            .isTrue();

        assertThat(admin.killAll(name)).as("idle connections killed while running").isPositive();
        long more = append(log, 60, 20, i -> new OrderPlaced("o" + i, "c" + i % 7));
        assertThat(runner.awaitPosition("orders", more, DEADLINE)).as("caught up at the end").isTrue();

        assertThat(runner.health().up()).isTrue();
        assertThat(runner.status("orders").healthy()).isTrue();
        assertThat(store.deadLetters("orders")).isEmpty();
        assertThat(store.count("orders")).isEqualTo(80);
        var orders = engine.readModel(ORDERS);
        assertThat(orders.findBy("status", "PAID")).extracting(Order::id)
            .containsExactlyInAnyOrderElementsOf(ids(0, 30, i -> "o" + i * 2));
        assertThat(orders.findBy("status", "PLACED")).hasSize(50);
        assertThat(orders.findBy("customer", "c3")).extracting(Order::id)
            .containsExactlyInAnyOrderElementsOf(ids(0, 80, i -> "o" + i).stream()
                .filter(id -> Integer.parseInt(id.substring(1)) % 7 == 3).toList());
      } finally {
        admin.unpause();
        runner.stop();
      }
    }
  }

  /** Appends one event per i in [from, from + count) to a stream of its own; returns the last position. */
  private static long append(InMemoryEventLog log, int from, int count,
      java.util.function.IntFunction<Object> event) {
    long last = 0;
    for (int i = from; i < from + count; i++) {
      last = log.append("stream-" + i + "-" + UUID.randomUUID(), InMemoryEventLog.ANY_VERSION,
          List.of(event.apply(i)));
    }
    return last;
  }

  private static List<String> ids(int from, int count, java.util.function.IntFunction<String> id) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      ids.add(id.apply(i));
    }
    return ids;
  }

  /**
   * While the server holds writes, kills every call of the store it holds (a first attempt and the one
   * the store sends again) until the runner counts a retry, that is until an outage reached it;
   * returns how many calls were killed.
   */
  private static int killHeldCallsUntilTheRunnerRetries(
      ServerAdmin admin, String name, DoubleSupplier retries) {
    double before = retries.getAsDouble();
    Set<Long> killed = new HashSet<>();
    while (true) {
      long held = Awaitility.await("a held call of the store, or a retry of the runner")
          .atMost(DEADLINE).pollInterval(Duration.ofMillis(5))
          .until(() -> retries.getAsDouble() > before ? 0L : admin.heldCall(name, killed), id -> id >= 0);
      if (held == 0) {
        return killed.size();
      }
      admin.kill(held);
      killed.add(held);
    }
  }
}
