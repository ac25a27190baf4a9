package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.accountHandlers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The counter {@code projection.partitions.rebalances} of each node counts the partitions it takes
 * and gives up as two runners on one store hand partitions over between them.
 */
class RebalanceMeterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();

  @AfterEach
  void stopRunners() {
    runners.forEach(ProjectionRunner::stop);
  }

  private ProjectionRunner node(String name, MeterRegistry registry) {
    ProjectionEngine engine = Projections.engine("accounts").store(store.openAnother())
        .readModel(ACCOUNTS).partitions(4).build();
    accountHandlers(engine);
    ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).node(name)
        .leaseTime(Duration.ofSeconds(3)).maxIdleWait(Duration.ofMillis(20))
        .meterRegistry(registry).build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  private static double rebalances(MeterRegistry registry, String kind) {
    Counter counter = registry.find(MetricNames.PARTITION_REBALANCES)
        .tag(MetricNames.TAG_PROJECTION, "accounts").tag(MetricNames.TAG_KIND, kind).counter();
    return counter == null ? 0 : counter.count();
  }

  private static long owned(ProjectionRunner runner) {
    return runner.partitions("accounts").stream().filter(PartitionStatus::ownedHere).count();
  }

  @Test
  void aHandOverBetweenTwoNodesIsCountedOnBoth() {
    SimpleMeterRegistry metersA = new SimpleMeterRegistry();
    SimpleMeterRegistry metersB = new SimpleMeterRegistry();
    ProjectionRunner a = node("node-a", metersA);
    await().atMost(DEADLINE).until(() -> owned(a) == 4);
    assertThat(rebalances(metersA, MetricNames.REBALANCE_ACQUIRED)).isEqualTo(4);
    assertThat(rebalances(metersA, MetricNames.REBALANCE_RELEASED)).isZero();

    ProjectionRunner b = node("node-b", metersB);
    await().atMost(DEADLINE).untilAsserted(() -> {
      assertThat(owned(a)).isEqualTo(2);
      assertThat(owned(b)).isEqualTo(2);
      assertThat(rebalances(metersA, MetricNames.REBALANCE_RELEASED)).isEqualTo(2);
      assertThat(rebalances(metersB, MetricNames.REBALANCE_ACQUIRED)).isEqualTo(2);
    });

    b.stop();
    assertThat(rebalances(metersB, MetricNames.REBALANCE_RELEASED)).isEqualTo(2);
    await().atMost(DEADLINE).untilAsserted(() -> {
      assertThat(owned(a)).isEqualTo(4);
      assertThat(rebalances(metersA, MetricNames.REBALANCE_ACQUIRED)).isEqualTo(6);
    });
  }
}
