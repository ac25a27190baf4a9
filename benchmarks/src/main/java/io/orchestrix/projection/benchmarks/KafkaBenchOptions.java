package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options the Kafka benchmarks share: the workload's size, the topic's partitions, the batch
 * size, the number of timed runs, and the broker (one started in a child JVM, or a running one).
 * A picocli mixin; not thread-safe, read once by the command that owns it.
 */
final class KafkaBenchOptions {

  @Option(names = "--events", defaultValue = "100000", paramLabel = "N",
      description = "Events, a positive multiple of 5. Default: ${DEFAULT-VALUE}")
  int events;

  @Option(names = "--partitions", defaultValue = "12", paramLabel = "K",
      description = "Partitions of the topic. Default: ${DEFAULT-VALUE}")
  int partitions;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "Records per poll of the loop (max.poll.records, so per transaction at most), and"
          + " per commit of the source (records of one partition). Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--runs", defaultValue = "3", paramLabel = "R",
      description = "Timed runs after the warm-up; medians are reported. Default: ${DEFAULT-VALUE}")
  int runs;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "A running broker; without it a single-node KRaft broker starts in a child JVM.")
  @Nullable String bootstrap;

  @Option(names = "--broker-jvm-option", paramLabel = "OPTION",
      defaultValue = "-Xms1g,-Xmx1g,-XX:+UseParallelGC", split = ",",
      description = "Options of the child JVM's broker. Default: ${DEFAULT-VALUE}")
  List<String> brokerJvmOptions = List.of();

  /**
   * Refuses non-positive counts.
   *
   * @throws CommandLine.ParameterException naming the options, if a count is not positive
   */
  void check(CommandLine command) {
    if (partitions <= 0 || batchSize <= 0 || runs <= 0) {
      throw new CommandLine.ParameterException(command,
          "--partitions, --batch-size and --runs must be positive");
    }
  }

  /** The broker named by {@code --bootstrap}, or a new one in a child JVM; the caller closes it. */
  KafkaTestBroker broker() {
    if (bootstrap != null) {
      return KafkaTestBroker.resolve(Map.of(KafkaTestBroker.BOOTSTRAP_VARIABLE, bootstrap));
    }
    return KafkaTestBroker.childProcess().jvmOptions(brokerJvmOptions)
        .brokerProperty("num.io.threads", "4")
        .start();
  }
}
