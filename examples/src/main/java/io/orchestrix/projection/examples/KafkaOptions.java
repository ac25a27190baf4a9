package io.orchestrix.projection.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that name a Kafka topic as the workload's event source ({@code --kafka} and
 * {@code --topic}), the alternative to a JDBC event store's {@code --source}, and the check that
 * exactly one of the two is given.
 */
final class KafkaOptions {

  /** Consumer properties the source sets itself, checked before anything is opened. */
  private static final Set<String> SET_BY_THE_SOURCE = Set.of("bootstrap.servers", "group.id",
      "enable.auto.commit", "auto.offset.reset", "key.deserializer", "value.deserializer");

  @Option(names = "--kafka", paramLabel = "BOOTSTRAP",
      description = "A Kafka cluster, host:port[,host:port...], whose topic --topic holds the workload"
          + " (key = order id); the alternative to --source.")
  @Nullable String bootstrapServers;

  @Option(names = "--topic", paramLabel = "T", description = "The workload's topic, with --kafka.")
  @Nullable String topic;

  @Option(names = "--consumer-group", paramLabel = "GROUP",
      description = "With --kafka: the consumer group whose members share the topic's partitions."
          + " Default: the projection id.")
  @Nullable String consumerGroup;

  @Option(names = {"-K", "--kafka-property"}, paramLabel = "KEY=VALUE",
      description = "A Kafka consumer property, repeatable, for example -K group.protocol=consumer or"
          + " -K session.timeout.ms=6000 (not the group id, offsets or deserializers: the source sets"
          + " those).")
  Map<String, String> consumerProperties = new LinkedHashMap<>();

  boolean given() {
    return bootstrapServers != null;
  }

  String bootstrapServers() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("--kafka was not given");
    }
    return bootstrapServers;
  }

  String topic() {
    if (topic == null) {
      throw new IllegalStateException("--topic was not given");
    }
    return topic;
  }

  /**
   * Checks that exactly one event source is named, or at most one if {@code sourceOptional}, and
   * that the options of the other one are absent.
   *
   * @throws CommandLine.ParameterException naming the options in conflict or missing
   */
  void check(CommandLine commandLine, @Nullable String sourceUrl, Map<String, String> sourceProperties,
      boolean sourceOptional) {
    if (sourceUrl != null && bootstrapServers != null) {
      throw new CommandLine.ParameterException(commandLine, "--source and --kafka are alternatives:"
          + " give exactly one (--source JDBC_URL for a JDBC event store, or --kafka BOOTSTRAP"
          + " --topic T for a Kafka topic)");
    }
    if (sourceUrl == null && bootstrapServers == null && !sourceOptional) {
      throw new CommandLine.ParameterException(commandLine, "an event source is required: give"
          + " --source JDBC_URL (a JDBC event store) or --kafka BOOTSTRAP --topic T (a Kafka topic)");
    }
    if (bootstrapServers != null) {
      if (bootstrapServers.isBlank()) {
        throw new CommandLine.ParameterException(commandLine, "--kafka must not be blank");
      }
      if (topic == null) {
        throw new CommandLine.ParameterException(commandLine,
            "--kafka needs --topic T, the topic that holds the workload");
      }
      if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
        throw new CommandLine.ParameterException(commandLine, "--topic '" + topic + "' is not a"
            + " valid Kafka topic name (1 to 249 of letters, digits, '.', '_' and '-')");
      }
      for (String key : consumerProperties.keySet()) {
        if (SET_BY_THE_SOURCE.contains(key)) {
          throw new CommandLine.ParameterException(commandLine, "-K " + key + " is set by the Kafka"
              + " source itself (bootstrap servers from --kafka, the group from the projection id,"
              + " offsets from the projection store)");
        }
      }
      if (!sourceProperties.isEmpty()) {
        throw new CommandLine.ParameterException(commandLine,
            "-S/--source-property applies to --source (a JDBC event store), not to --kafka");
      }
    } else if (consumerGroup != null) {
      throw new CommandLine.ParameterException(commandLine, "--consumer-group applies to --kafka only");
    } else if (!consumerProperties.isEmpty()) {
      throw new CommandLine.ParameterException(commandLine,
          "-K/--kafka-property applies to --kafka only");
    } else if (topic != null) {
      throw new CommandLine.ParameterException(commandLine,
          "--topic applies to --kafka only; give --kafka BOOTSTRAP too, or drop --topic");
    }
  }
}
