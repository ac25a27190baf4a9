package io.orchestrix.projection.examples;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.examples.kafka.WorkloadRecords;
import io.orchestrix.projection.kafka.KafkaProjectionSource;
import io.orchestrix.projection.kafka.KafkaSourceBuilder;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/** The Kafka source of the workload's projection, as follow and bench build it. */
final class KafkaSourceFactory {

  private KafkaSourceFactory() {}

  /**
   * A source feeding the engine (split into the topic's partitions) from the workload's topic.
   *
   * @throws CommandLine.ParameterException if a {@code -K} property is refused, naming it
   */
  static KafkaProjectionSource source(CommandLine commandLine, ProjectionEngine engine,
      KafkaOptions kafka, int batchSize) {
    KafkaSourceBuilder builder = KafkaProjectionSource.builder(engine)
        .bootstrapServers(kafka.bootstrapServers())
        .topics(kafka.topic())
        .recordMapping(WorkloadRecords.mapping())
        .payloadDecoder(WorkloadRecords.decoder())
        .batchSize(batchSize)
        .outageBackoff(Backoff.of(Duration.ofMillis(200), Duration.ofSeconds(2)))
        .consumerProperty("reconnect.backoff.max.ms", 500)
        .consumerProperty("retry.backoff.max.ms", 500);
    if (kafka.consumerGroup != null) {
      try {
        builder.groupId(kafka.consumerGroup);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandLine, "--consumer-group: " + e.getMessage());
      }
    }
    for (Map.Entry<String, String> property : kafka.consumerProperties.entrySet()) {
      try {
        builder.consumerProperty(property.getKey(), property.getValue());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandLine, "-K " + e.getMessage());
      }
    }
    return builder.build();
  }
}
