package io.orchestrix.projection.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A dedicated broker in the test JVM, through plain kafka-clients. */
class InJvmBrokerTest {

  private static KafkaTestBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaTestBroker.inJvm().start();
  }

  @AfterAll
  static void closeBroker() {
    broker.close();
  }

  @Test
  void recordsProducedThroughKafkaClientsAreConsumedInOrder() {
    broker.createTopic("in-jvm-orders", 1);
    List<String> sent = Clients.values("order", 200);
    try (KafkaProducer<String, String> producer = Clients.producer(broker);
        KafkaConsumer<String, String> consumer = Clients.consumer(broker, "in-jvm-g", "classic")) {
      Clients.send(producer, "in-jvm-orders", 0, sent);
      consumer.subscribe(List.of("in-jvm-orders"));

      assertThat(Clients.pollValues(consumer, sent.size())).containsExactlyElementsOf(sent);
    }
    assertThat(broker.kind()).isEqualTo(KafkaTestBroker.Kind.IN_JVM);
    assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
  }

  @Test
  void aStoppedBrokerStartsAgainOnTheSamePortWithItsData() {
    broker.createTopic("in-jvm-restart", 1);
    String address = broker.bootstrapServers();
    try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
      Clients.send(producer, "in-jvm-restart", 0, Clients.values("before", 50));
    }

    broker.stop();
    assertThat(broker.isRunning()).isFalse();
    broker.restart();

    assertThat(broker.bootstrapServers()).isEqualTo(address);
    try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "in-jvm-r", "classic")) {
      consumer.subscribe(List.of("in-jvm-restart"));
      assertThat(Clients.pollValues(consumer, 50)).containsExactlyElementsOf(Clients.values("before", 50));
    }
  }

  @Test
  void anInJvmBrokerCannotBeKilled() {
    assertThatThrownBy(broker::kill)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("in-JVM KRaft node cannot be killed");
  }
}
