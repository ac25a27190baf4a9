package io.orchestrix.projection.kafka;

import static io.orchestrix.projection.kafka.Fixtures.DEADLINE;
import static io.orchestrix.projection.kafka.Fixtures.awaitApplied;
import static io.orchestrix.projection.kafka.Fixtures.expected;
import static io.orchestrix.projection.kafka.Fixtures.sendAdded;
import static io.orchestrix.projection.kafka.Fixtures.source;
import static io.orchestrix.projection.kafka.Fixtures.tallies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.kafka.Fixtures.Added;
import io.orchestrix.projection.kafka.Fixtures.Tally;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

class RebalanceTest {

  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  /**
   * The first member's batch, holding records of every partition, is stuck in a handler while a
   * second member joins and takes half of the partitions, claims them and applies their records. When
   * the stuck batch goes on, its commits for the partitions that moved are refused by fencing: the
   * counting read model shows every event applied once.
   */
  @Test
  void aBatchInFlightForAPartitionThatMovedIsRefusedAndNothingIsAppliedTwiceOrLost() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    broker.createTopic("rebalance", 4);
    try (KafkaProducer<String, byte[]> producer = Fixtures.producer(broker.bootstrapServers())) {
      sendAdded(producer, "rebalance", 0, 400);
    }
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ProjectionEngine first = Projections.engine("rebalance-tally").store(store)
        .readModel(Fixtures.TALLY).partitions(4).meterRegistry(meters).build();
    first.on(Added.class, (Added e, HandlerContext c) -> {
      stuck.countDown();
      awaitLatch(release);
      count(e, c);
    });
    ProjectionEngine second = Fixtures.engine(store, "rebalance-tally", 4);

    try (KafkaProjectionSource one = source(first, broker.bootstrapServers(), "rebalance")
            .batchSize(200).maxLatency(Duration.ofMillis(500)).revokeTimeout(Duration.ofMillis(300))
            .build();
        KafkaProjectionSource two = source(second, broker.bootstrapServers(), "rebalance").build()) {
      one.start();
      assertThat(stuck.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("a batch is in flight").isTrue();
      two.start();
      await().atMost(DEADLINE).untilAsserted(() -> {
        KafkaSourceStatus status = two.status();
        assertThat(status.partitions()).filteredOn(KafkaPartitionStatus::assigned).isNotEmpty()
            .allSatisfy(p -> assertThat(p.lagEvents()).isZero())
            .allSatisfy(p -> assertThat(p.endOffset()).isPositive());
      });
      release.countDown();
      awaitApplied(second, 400);
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(
          meters.get(MetricNames.CONFLICTS).counters().stream().mapToDouble(c -> c.count()).sum())
          .as("commits of the stuck batch refused by fencing").isPositive());
      assertThat(one.status().partitions()).filteredOn(KafkaPartitionStatus::assigned)
          .as("the first member keeps some partitions").isNotEmpty();
    }
    assertThat(tallies(second)).isEqualTo(expected(400));
  }

  private static void count(Added e, HandlerContext c) {
    ReadModelRepository<Tally> tallies = c.readModel(Fixtures.TALLY);
    Tally before = tallies.findById(e.order()).orElse(new Tally(e.order(), 0, 0));
    tallies.save(new Tally(e.order(), before.count() + 1, before.total() + e.amount()));
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
