package io.orchestrix.projection.kafka;

import static io.orchestrix.projection.kafka.Fixtures.DEADLINE;
import static io.orchestrix.projection.kafka.Fixtures.awaitApplied;
import static io.orchestrix.projection.kafka.Fixtures.expected;
import static io.orchestrix.projection.kafka.Fixtures.sendAdded;
import static io.orchestrix.projection.kafka.Fixtures.source;
import static io.orchestrix.projection.kafka.Fixtures.tallies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BrokerOutageTest {

  private static KafkaTestBroker broker;
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  @BeforeAll
  static void dedicatedBroker() {
    broker = KafkaTestBroker.inJvm().start();
  }

  @AfterAll
  static void closeBroker() {
    broker.close();
  }

  @Test
  void aClusterDownAtStartAndMidRunIsReportedAndEveryEventIsAppliedOnceAfterItReturns()
      throws Exception {
    broker.createTopic("outage", 2);
    try (KafkaProducer<String, byte[]> producer = Fixtures.producer(broker.bootstrapServers())) {
      sendAdded(producer, "outage", 0, 100);
    }
    broker.stop();
    ProjectionEngine engine = Fixtures.engine(store, "outage-tally", 2);
    try (KafkaProjectionSource source = source(engine, broker.bootstrapServers(), "outage")
        .outageBackoff(io.orchestrix.projection.Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .build()) {
      source.start();
      await().atMost(DEADLINE).untilAsserted(() -> {
        assertThat(source.status().state()).isEqualTo(KafkaSourceStatus.State.UNAVAILABLE);
        assertThat(source.status().error()).containsInstanceOf(KafkaUnavailableException.class);
        assertThat(source.status().error().orElseThrow().getMessage())
            .contains(broker.bootstrapServers()).contains("looking up topics [outage]");
      });

      broker.restart();
      awaitApplied(engine, 100);
      await().atMost(DEADLINE).until(() -> source.status().state() == KafkaSourceStatus.State.RUNNING);

      broker.stop();
      await().atMost(DEADLINE).untilAsserted(() -> {
        assertThat(source.status().state()).isEqualTo(KafkaSourceStatus.State.UNAVAILABLE);
        assertThat(source.status().error().orElseThrow().getMessage()).contains("end offsets");
      });
      broker.restart();
      // a producer made while the cluster comes back may block in send: it sends off the test thread
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        try (KafkaProducer<String, byte[]> producer = Fixtures.producer(broker.bootstrapServers())) {
          sendAdded(producer, "outage", 100, 200);
        }
      });
      sent.get(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS);
      awaitApplied(engine, 200);
      await().atMost(DEADLINE).until(() -> source.status().healthy());
    }
    assertThat(tallies(engine)).isEqualTo(expected(200));
  }
}
