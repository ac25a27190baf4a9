package io.orchestrix.projection.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/** How a broker is found, the shared broker's rules, and the builder's checks. */
class KafkaTestBrokerTest {

  @Test
  void theEnvironmentVariableWinsOverEveryOtherWayToFindABroker() {
    KafkaTestBroker running = KafkaTestBroker.shared();
    Map<String, String> environment = Map.of(KafkaTestBroker.BOOTSTRAP_VARIABLE,
        " " + running.bootstrapServers() + " ", "DOCKER_HOST", "tcp://127.0.0.1:1");

    try (KafkaTestBroker external = KafkaTestBroker.resolve(environment)) {
      assertThat(external.kind()).isEqualTo(KafkaTestBroker.Kind.EXTERNAL);
      assertThat(external.bootstrapServers()).isEqualTo(running.bootstrapServers());
      assertThat(external.startupTime()).isZero();
      // it talks to the broker the variable names: what it creates, the running broker holds
      external.createTopic("env-named", 1);
      try (KafkaProducer<String, String> producer = Clients.producer(external);
          KafkaConsumer<String, String> consumer = Clients.consumer(running, "env-g", "classic")) {
        Clients.send(producer, "env-named", 0, List.of("via-the-variable"));
        consumer.subscribe(List.of("env-named"));
        assertThat(Clients.pollValues(consumer, 1)).containsExactly("via-the-variable");
      }
      assertThatThrownBy(external::stop).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining(KafkaTestBroker.BOOTSTRAP_VARIABLE);
    }
    assertThat(running.isRunning()).as("closing the external handle leaves the broker up").isTrue();
  }

  @Test
  void theSharedBrokerIsOnePerJvmAndOutlivesCloseAndRefusesToStop() {
    KafkaTestBroker shared = KafkaTestBroker.shared();
    shared.close();

    assertThat(KafkaTestBroker.shared()).isSameAs(shared);
    assertThat(shared.isShared()).isTrue();
    shared.createTopic("shared-after-close", 1);
    assertThatThrownBy(shared::stop).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shared broker");
    assertThatThrownBy(shared::restart).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void creatingATopicTwiceFailsNamingTheTopic() {
    KafkaTestBroker shared = KafkaTestBroker.shared();
    shared.createTopic("created-twice", 2);

    assertThatThrownBy(() -> shared.createTopic("created-twice", 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("created-twice")
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> shared.createTopic("no-partitions", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theBuilderRefusesSettingsItOwnsAndJvmOptionsForAnInJvmBroker() {
    assertThatThrownBy(() -> KafkaTestBroker.childProcess().brokerProperty("listeners", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listeners");
    assertThatThrownBy(() -> KafkaTestBroker.inJvm().jvmOptions(List.of("-Xmx1g")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> KafkaTestBroker.childProcess().jvmOptions(List.of("Xmx1g")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Xmx1g");
  }
}
