package io.orchestrix.projection.eventstore.jdbc;

import static io.orchestrix.projection.eventstore.jdbc.EventFixtures.COUNTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.StreamCount;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.TickCounter;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Ticked;
import io.orchestrix.projection.jdbc.JdbcProjectionStore;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import io.orchestrix.projection.jdbc.JdbcTestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes share a partitioned projection through leases in the JDBC projection store on PostgreSQL,
 * following the JDBC event store there, each processing its partitions on an executor of its own.
 */
@DisplayName("a partitioned projection on PostgreSQL, processed on each node's executor")
class PostgresPartitionExecutorTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int STREAMS = 16;
  private static final int TICKS = 10;

  private final String prefix = "x" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();
  /** {@code node:thread} of every handler call. */
  private final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
  private final TickCounter counter = new TickCounter();

  private record Node(ProjectionRunner runner, ProjectionEngine engine, MeterRegistry meters) {}

  @AfterEach
  void closeAndDrop() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    pools.forEach(ExecutorService::shutdownNow);
    JdbcTestDatabases.dropTablesWithPrefix(JdbcTestDatabases.postgres(), prefix);
  }

  private <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  private JdbcStoreOptions options() {
    return JdbcStoreOptions.builder().tablePrefix(prefix).poolSize(4).build();
  }

  private ExecutorService pool(String prefix) {
    AtomicInteger count = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    pools.add(pool);
    return pool;
  }

  private Node node(String name, JdbcEventStore source) {
    JdbcProjectionStore store = track(JdbcProjectionStore.open(JdbcTestDatabases.postgres(), options()));
    ProjectionEngine engine = Projections.engine("ticks").store(store).readModel(COUNTS).partitions(4)
        .build();
    engine.on(Ticked.class, (Ticked tick, HandlerContext context) -> {
      handlerThreads.add(name + ":" + Thread.currentThread().getName());
      counter.apply(tick, context);
    });
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ProjectionRunner runner = track(ProjectionRunner.builder(source).projection(engine).node(name)
        .leaseTime(Duration.ofSeconds(3)).maxIdleWait(Duration.ofMillis(50))
        .executor(pool(name + "-pool-")).meterRegistry(meters).build());
    runner.start();
    return new Node(runner, engine, meters);
  }

  private static long owned(Node node) {
    return node.runner().partitions("ticks").stream().filter(PartitionStatus::ownedHere).count();
  }

  private static double rebalances(Node node, String kind) {
    Counter rebalances = node.meters().find(MetricNames.PARTITION_REBALANCES)
        .tag(MetricNames.TAG_KIND, kind).counter();
    return rebalances == null ? 0 : rebalances.count();
  }

  @Test
  @DisplayName("each node runs its partitions on its own executor's threads; the hand-over is counted")
  void partitionsRunOnEachNodesExecutor() throws InterruptedException {
    JdbcEventStore source = track(JdbcEventStore.open(JdbcTestDatabases.postgres(),
        EventFixtures.accountTypes(), options()));
    Node a = node("node-a", source);
    await().atMost(DEADLINE).until(() -> owned(a) == 4);
    Node b = node("node-b", source);
    await().atMost(DEADLINE).untilAsserted(() -> {
      assertThat(owned(a)).isEqualTo(2);
      assertThat(owned(b)).isEqualTo(2);
      assertThat(rebalances(a, MetricNames.REBALANCE_ACQUIRED)).isEqualTo(4);
      assertThat(rebalances(a, MetricNames.REBALANCE_RELEASED)).isEqualTo(2);
      assertThat(rebalances(b, MetricNames.REBALANCE_ACQUIRED)).isEqualTo(2);
    });

    long head = 0;
    for (int s = 0; s < STREAMS; s++) {
      List<Ticked> ticks = new ArrayList<>();
      for (int seq = 1; seq <= TICKS; seq++) {
        ticks.add(new Ticked("s" + s, seq));
      }
      head = source.append("s" + s, 0, ticks);
    }

    assertThat(a.runner().awaitPosition("ticks", head, DEADLINE)).isTrue();
    assertThat(handlerThreads)
        .allSatisfy(thread -> assertThat(thread).matches("node-a:node-a-pool-\\d|node-b:node-b-pool-\\d"))
        .anySatisfy(thread -> assertThat(thread).startsWith("node-a:"))
        .anySatisfy(thread -> assertThat(thread).startsWith("node-b:"));
    for (int s = 0; s < STREAMS; s++) {
      assertThat(a.engine().readModel(COUNTS).findById("s" + s)).as("stream s%d", s)
          .contains(new StreamCount("s" + s, TICKS, TICKS));
    }
  }
}
