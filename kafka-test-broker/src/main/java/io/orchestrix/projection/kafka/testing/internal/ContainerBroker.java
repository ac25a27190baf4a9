package io.orchestrix.projection.kafka.testing.internal;

import java.time.Duration;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A broker in a Docker container started with Testcontainers ({@code apache/kafka}, KRaft, the
 * version of the clients). Only loaded after {@link DockerProbe#available} said yes, so the
 * optional Testcontainers dependency may be absent. The container cannot be stopped and started
 * again by a test: Docker would map it to another port. Thread-safe.
 */
public final class ContainerBroker implements BrokerRuntime {

  /** The image: the broker of the same Kafka release as the clients and the embedded node. */
  public static final String IMAGE = "apache/kafka:4.1.2";

  private final KafkaContainer container;
  private final String bootstrapServers;

  private ContainerBroker(KafkaContainer container) {
    this.container = container;
    this.bootstrapServers = container.getBootstrapServers();
  }

  /** Starts a container with the test settings of {@link KraftNode} that matter for speed. */
  public static ContainerBroker launch() {
    @SuppressWarnings("resource") // closed by close()
    KafkaContainer container = new KafkaContainer(IMAGE)
        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "1")
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .withEnv("KAFKA_GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS", "100")
        .withEnv("KAFKA_GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS", "500")
        .withStartupTimeout(Duration.ofMinutes(2));
    container.start();
    return new ContainerBroker(container);
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public String description() {
    return "Testcontainers broker (" + IMAGE + ")";
  }

  @Override
  public boolean isRunning() {
    return container.isRunning();
  }

  @Override
  public void close() {
    container.stop();
  }
}
