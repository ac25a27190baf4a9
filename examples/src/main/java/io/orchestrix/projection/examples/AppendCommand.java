package io.orchestrix.projection.examples;

import io.orchestrix.projection.examples.kafka.WorkloadAppender;
import io.orchestrix.projection.examples.kafka.WorkloadTopicException;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code append}: writes the standard workload's events to a JDBC event store, from the store's head
 * on, so that the event at position p is the workload's p-th event; or to a Kafka topic, each order's
 * events to the partition of its id, completing what each partition misses.
 */
@Command(
    name = "append",
    mixinStandardHelpOptions = true,
    description = {
        "Appends the standard workload's events (WORKLOAD.md) to a JDBC event store, continuing from"
            + " the store's head: the event at position p is the workload's p-th event. The stored"
            + " events are checked against the workload first; an interrupted run is completed by"
            + " running the same command again. Prints the head.",
        "With --kafka BOOTSTRAP --topic T instead of --source, the events go to a Kafka topic (created"
            + " with --topic-partitions K partitions if missing): key = order id, JSON value, headers"
            + " type and event-id, each order's events in the partition its id hashes to (Kafka's"
            + " default partitioner), so partition p holds a fixed share of the workload in stream"
            + " order. Partitions already holding part of their share are checked and completed.",
        "--events is the length of the whole stream: the workload of N events ends by draining its"
            + " window of open orders, so a stream of N events is not a prefix of a longer one."})
final class AppendCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--source", paramLabel = "JDBC_URL",
      description = "The event store: jdbc:postgresql://host/db?user=u, jdbc:mariadb://...,"
          + " jdbc:h2:file:./data/events. Or --kafka.")
  @Nullable String sourceUrl;

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--topic-partitions", paramLabel = "K",
      description = "With --kafka: the partitions the topic has, or is created with if missing,"
          + " 1 to 10000. Default: the existing topic's count.")
  @Nullable Integer topicPartitions;

  @Option(names = {"-P", "--store-property"}, paramLabel = "KEY=VALUE",
      description = "An event store option, repeatable, for example -P table-prefix=app_.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--events", defaultValue = "100000", paramLabel = "N",
      description = "Events the stream holds when done, a positive multiple of 5."
          + " Default: ${DEFAULT-VALUE}")
  int events;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "About this many events per transaction, across the interleaved orders"
          + " (a multi-stream append). Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Override
  public Integer call() {
    WorkloadOptions.check(spec.commandLine(), events, batchSize);
    kafka.check(spec.commandLine(), sourceUrl, properties, false);
    if (topicPartitions != null && !kafka.given()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--topic-partitions applies to --kafka only");
    }
    if (topicPartitions != null && (topicPartitions < 1 || topicPartitions > 10_000)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--topic-partitions must be 1 to 10000 but was " + topicPartitions);
    }
    if (kafka.given() && spec.commandLine().getParseResult().hasMatchedOption("--batch-size")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size applies to"
          + " --source; with --kafka the producer batches by itself");
    }
    PrintWriter out = spec.commandLine().getOut();
    StandardWorkload workload = StandardWorkload.of(events);
    out.printf(Locale.ROOT, "workload     %,d events, %,d orders, fingerprint %s%n", events,
        workload.orders(), Fingerprint.of(workload).hex());
    out.flush();
    if (kafka.given()) {
      return appendToKafka(workload, out);
    }
    try (JdbcEventStore store = WorkloadEventStore.open(sourceUrl, properties)) {
      out.println("event store  " + store.description());
      out.flush();
      WorkloadEventStore.Appended appended;
      try {
        appended = WorkloadEventStore.append(store, workload, batchSize);
      } catch (WorkloadEventStore.WorkloadMismatchException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 2;
      }
      out.printf(Locale.ROOT, "appended     %,d events after position %,d in %,d appends, %.3f s:"
              + " %,.0f events/s%n", appended.events(), appended.fromHead(), appended.appends(),
          appended.nanos() / 1e9, appended.eventsPerSecond());
      out.printf(Locale.ROOT, "head         %,d%n", store.headPosition());
    }
    out.flush();
    return 0;
  }

  private int appendToKafka(StandardWorkload workload, PrintWriter out) {
    WorkloadAppender.Appended appended;
    try {
      appended = WorkloadAppender.append(kafka.bootstrapServers(), kafka.topic(),
          topicPartitions == null ? OptionalInt.empty() : OptionalInt.of(topicPartitions), workload);
    } catch (WorkloadTopicException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    out.printf(Locale.ROOT, "topic        %s at %s, %d partitions%s%n", kafka.topic(),
        kafka.bootstrapServers(), appended.partitions(), appended.created() ? ", created" : "");
    out.printf(Locale.ROOT, "appended     %,d events after the %,d the topic held, %.3f s:"
            + " %,.0f events/s%n", appended.sent(), appended.alreadyThere(), appended.nanos() / 1e9,
        appended.eventsPerSecond());
    StringBuilder ends = new StringBuilder();
    for (int p = 0; p < appended.partitions(); p++) {
      ends.append(p == 0 ? "" : " ").append(appended.layout().endOffset(p));
    }
    out.printf(Locale.ROOT, "end offsets  %s%n", ends);
    out.flush();
    return 0;
  }
}
