package io.orchestrix.projection.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dedicated broker in a child JVM, through plain kafka-clients: the broker a test can kill and
 * bring back. The tests share one broker and each leaves it running.
 */
class ChildProcessBrokerTest {

  private static KafkaTestBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaTestBroker.childProcess().start();
  }

  @AfterAll
  static void closeBroker() {
    broker.close();
  }

  /** A test that failed while the broker was down does not leave it down for the next one. */
  @BeforeEach
  void brokerIsUp() {
    if (!broker.isRunning()) {
      broker.restart();
    }
  }

  @Test
  void recordsProducedThroughKafkaClientsAreConsumedInOrder() {
    broker.createTopic("child-orders", 1);
    List<String> sent = Clients.values("order", 200);
    try (KafkaProducer<String, String> producer = Clients.producer(broker);
        KafkaConsumer<String, String> consumer = Clients.consumer(broker, "child-g", "classic")) {
      Clients.send(producer, "child-orders", 0, sent);
      consumer.subscribe(List.of("child-orders"));

      assertThat(Clients.pollValues(consumer, sent.size())).containsExactlyElementsOf(sent);
    }
    assertThat(broker.kind()).isEqualTo(KafkaTestBroker.Kind.CHILD_PROCESS);
  }

  @Test
  void aKilledBrokerComesBackOnTheSamePortWithEveryAcknowledgedRecord() {
    broker.createTopic("child-kill", 2);
    String address = broker.bootstrapServers();
    try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
      Clients.send(producer, "child-kill", 0, Clients.values("p0", 100));
      Clients.send(producer, "child-kill", 1, Clients.values("p1", 100));

      broker.kill();
      assertThat(broker.isRunning()).isFalse();
      broker.restart();

      // the producer that saw the broker die goes on writing to the same address
      Clients.send(producer, "child-kill", 0, List.of("after-restart"));
    }
    assertThat(broker.bootstrapServers()).isEqualTo(address);
    try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "child-kill-g", "classic")) {
      consumer.subscribe(List.of("child-kill"));
      List<String> expected = new ArrayList<>(Clients.values("p0", 100));
      expected.addAll(Clients.values("p1", 100));
      expected.add("after-restart");

      assertThat(Clients.pollValues(consumer, expected.size()))
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void clientsThatStartOrSendWhileTheBrokerIsDownGetThroughOnceItIsBack() {
    broker.createTopic("child-down", 1);
    try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
      Clients.send(producer, "child-down", 0, List.of("before"));
      broker.stop();

      // Kafka 4 clients re-bootstrap once every known broker is gone, which forgets the topic's
      // metadata: send() may then block until the broker is back, so it is called off this thread
      ExecutorService sender = Executors.newSingleThreadExecutor();
      Future<RecordMetadata> ack = sender.submit(
          () -> producer.send(new ProducerRecord<>("child-down", "k", "while-down")).get());
      sender.shutdown();
      try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "child-down-g", "classic")) {
        consumer.subscribe(List.of("child-down"));
        assertThat(consumer.poll(Duration.ofMillis(200))).as("records while the broker is down").isEmpty();
        assertThat(ack).as("acknowledged while the broker is down").isNotDone();

        broker.restart();

        Clients.acknowledged(ack);
        assertThat(Clients.pollValues(consumer, 2)).containsExactly("before", "while-down");
      }
    }
  }
}
