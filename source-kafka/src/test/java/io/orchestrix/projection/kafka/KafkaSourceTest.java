package io.orchestrix.projection.kafka;

import static io.orchestrix.projection.kafka.Fixtures.DEADLINE;
import static io.orchestrix.projection.kafka.Fixtures.awaitApplied;
import static io.orchestrix.projection.kafka.Fixtures.engine;
import static io.orchestrix.projection.kafka.Fixtures.expected;
import static io.orchestrix.projection.kafka.Fixtures.sendAdded;
import static io.orchestrix.projection.kafka.Fixtures.source;
import static io.orchestrix.projection.kafka.Fixtures.tallies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaSourceTest {

  private static KafkaTestBroker broker;
  private static KafkaProducer<String, byte[]> producer;
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  @BeforeAll
  static void broker() {
    broker = KafkaTestBroker.shared();
    producer = Fixtures.producer(broker.bootstrapServers());
  }

  @AfterAll
  static void closeProducer() {
    producer.close(Duration.ofSeconds(5));
  }

  @Test
  void aRestartedConsumerResumesFromTheStoredOffsetsAndAppliesNothingTwice() {
    broker.createTopic("restart", 4);
    sendAdded(producer, "restart", 0, 300);
    ProjectionEngine first = engine(store, "restart-tally", 4);
    try (KafkaProjectionSource source = source(first, broker.bootstrapServers(), "restart")
        .batchSize(40).build()) {
      source.start();
      awaitApplied(first, 300);
      assertThat(source.status().partitions()).allSatisfy(p -> assertThat(p.assigned()).isTrue());
    }
    sendAdded(producer, "restart", 300, 500);

    ProjectionEngine second = engine(store, "restart-tally", 4);
    try (KafkaProjectionSource source = source(second, broker.bootstrapServers(), "restart").build()) {
      source.start();
      awaitApplied(second, 500);
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(source.status().lagEvents()).isZero());
      long stored = 0;
      for (int k = 0; k < 4; k++) {
        stored += store.loadState(ProjectionIds.partitionKey("restart-tally", k)).orElseThrow()
            .lastProcessedPosition();
      }
      assertThat(stored).as("the stored next offsets of the 4 partitions").isEqualTo(500);
      assertThat(source.status().healthy()).isTrue();
    }
    assertThat(tallies(second)).isEqualTo(expected(500));
  }

  @Test
  void awaitPositionReturnsOnceTheRecordIsApplied() throws Exception {
    broker.createTopic("await", 1);
    ProjectionEngine engine = engine(store, "await-tally", 1);
    try (KafkaProjectionSource source = source(engine, broker.bootstrapServers(), "await").build()) {
      source.start();
      long offset = producer.send(Fixtures.added("await", 7)).get().offset();
      assertThat(source.awaitPosition("await", 0, offset, DEADLINE)).isTrue();
      assertThat(engine.readModel(Fixtures.TALLY).findById("order-7")).isPresent();
      assertThat(source.awaitPosition("await", 0, offset + 1, Duration.ofMillis(50))).isFalse();
    }
  }

  @Test
  void undecodableRecordsAreDeadLetteredWithTheirCoordinatesAndTheRestApplied() {
    broker.createTopic("poison", 1);
    sendAdded(producer, "poison", 0, 5);
    ProducerRecord<String, byte[]> badJson = new ProducerRecord<>("poison", "order-1",
        "{not json".getBytes(StandardCharsets.UTF_8));
    badJson.headers().add("event-type", "Added".getBytes(StandardCharsets.UTF_8));
    ProducerRecord<String, byte[]> unknownType = new ProducerRecord<>("poison", "order-2",
        "{}".getBytes(StandardCharsets.UTF_8));
    unknownType.headers().add("event-type", "Refunded".getBytes(StandardCharsets.UTF_8));
    ProducerRecord<String, byte[]> noType = new ProducerRecord<>("poison", "order-3",
        "{}".getBytes(StandardCharsets.UTF_8));
    Fixtures.acknowledged(producer.send(badJson));
    Fixtures.acknowledged(producer.send(unknownType));
    Fixtures.acknowledged(producer.send(noType));
    Fixtures.acknowledged(producer.send(Fixtures.added("poison", 8)));
    ProjectionEngine engine = Projections.engine("poison-tally").store(store)
        .readModel(Fixtures.TALLY).failurePolicy(FailurePolicy.deadLetter()).build();
    CopyOnWriteArrayList<Long> applied = new CopyOnWriteArrayList<>();
    engine.on(Fixtures.Added.class, e -> applied.add(e.amount()));

    try (KafkaProjectionSource source = source(engine, broker.bootstrapServers(), "poison").build()) {
      source.start();
      await().atMost(DEADLINE).until(() -> engine.operations().deadLetters().size() == 3);
      await().atMost(DEADLINE).until(() -> applied.contains(8L));
    }

    List<DeadLetter> letters = engine.operations().deadLetters();
    assertThat(letters).extracting(DeadLetter::position).containsExactly(6L, 7L, 8L);
    assertThat(letters).extracting(DeadLetter::errorType)
        .containsOnly(UndecodableRecordException.class.getName());
    assertThat(letters.get(0).errorMessage()).contains("poison-0 offset 5").contains("type 'Added'");
    assertThat(letters.get(1).errorMessage()).contains("offset 6").contains("Refunded");
    assertThat(letters.get(2).errorMessage()).contains("offset 7").contains("header 'event-type'");
    assertThat(letters.get(0).envelopeJson()).contains("\"kafka.offset\":\"5\"")
        .contains("\"kafka.topic\":\"poison\"").contains("valueBase64");
    assertThat(applied).containsExactly(0L, 1L, 2L, 3L, 4L, 8L);
  }

  @Test
  void tombstonesMoveTheCheckpointAndReachAHandlerThatTakesThem() {
    broker.createTopic("compacted", 1);
    sendAdded(producer, "compacted", 0, 2);
    Fixtures.acknowledged(producer.send(new ProducerRecord<>("compacted", "order-0", null)));
    ProjectionEngine engine = engine(store, "tombstone-tally", 1);
    CopyOnWriteArrayList<Tombstone> seen = new CopyOnWriteArrayList<>();
    engine.on(Tombstone.class, (Tombstone t) -> seen.add(t));
    try (KafkaProjectionSource source = source(engine, broker.bootstrapServers(), "compacted").build()) {
      source.start();
      await().atMost(DEADLINE).until(() -> engine.state().lastProcessedPosition() == 3);
    }
    assertThat(seen).containsExactly(new Tombstone("compacted", 0, 2, "order-0"));
    assertThat(Fixtures.applied(engine)).isEqualTo(2);
  }

  @Test
  void aMissingTopicIsReportedAndFollowedOnceItExists() {
    ProjectionEngine engine = engine(store, "late-tally", 2);
    try (KafkaProjectionSource source = source(engine, broker.bootstrapServers(), "late").build()) {
      source.start();
      await().atMost(DEADLINE).untilAsserted(() -> {
        KafkaSourceStatus status = source.status();
        assertThat(status.state()).isEqualTo(KafkaSourceStatus.State.WAITING_FOR_TOPIC);
        assertThat(status.error()).containsInstanceOf(KafkaTopicNotFoundException.class);
        assertThat(status.error().orElseThrow().getMessage()).contains("[late]").contains("not exist");
      });
      broker.createTopic("late", 2);
      sendAdded(producer, "late", 0, 50);
      awaitApplied(engine, 50);
      assertThat(source.status().state()).isEqualTo(KafkaSourceStatus.State.RUNNING);
      assertThat(source.status().error()).isEmpty();
    }
    assertThat(tallies(engine)).isEqualTo(expected(50));
  }

  @Test
  void anEngineSplitOtherwiseThanTheTopicsIsRefusedNamingTheCount() {
    broker.createTopic("count-a", 2);
    broker.createTopic("count-b", 3);
    ProjectionEngine engine = engine(store, "count-tally", 4);
    try (KafkaProjectionSource source = source(engine, broker.bootstrapServers(), "count-b", "count-a")
        .build()) {
      source.start();
      await().atMost(DEADLINE).until(() -> source.status().state() == KafkaSourceStatus.State.FAILED);
      assertThat(source.status().error()).containsInstanceOf(KafkaPartitionCountException.class);
      assertThat(source.status().error().orElseThrow().getMessage())
          .contains("split into 4 partitions").contains(".partitions(5)");
    }
  }
}
