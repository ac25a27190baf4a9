package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.kafka.WorkloadAppender;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One command for the Kafka baseline: a broker (a child JVM on this machine, or the one named by
 * {@code --bootstrap}), a new topic of K partitions, the standard workload of N events produced into
 * it ({@link WorkloadAppender}, timed, each value checked against its event), then {@link KafkaJdbcLoopBaseline} from
 * empty tables to the end offsets: one warm-up run and {@code --runs} timed runs, the median, and the
 * digest of what PostgreSQL holds compared with the digest of the workload's read model.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.orchestrix.projection.benchmarks.KafkaBaseline --events 100000 --partitions 12 --jdbc-url
 * 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres'}.
 */
@Command(
    name = "kafka-baseline",
    mixinStandardHelpOptions = true,
    description = "Standard workload: produce to Kafka, then time the hand-written Kafka->JDBC loop.")
public final class KafkaBaseline implements Callable<Integer> {

  @Mixin
  KafkaBenchOptions options;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
      description = "The PostgreSQL database of the read model and the offsets. Default: ${DEFAULT-VALUE}")
  String jdbcUrl;

  @Option(names = "--table-prefix", defaultValue = KafkaJdbcLoopBaseline.DEFAULT_PREFIX,
      paramLabel = "PREFIX", description = "Prefix of the loop's two tables. Default: ${DEFAULT-VALUE}")
  String tablePrefix;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Runs the command; exits with 0 if the digest matched. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new KafkaBaseline()).execute(args));
  }

  @Override
  public Integer call() {
    StandardWorkload.of(options.events);
    options.check(new CommandLine(this));
    try (KafkaTestBroker broker = options.broker()) {
      out.printf(Locale.ROOT, "broker: %s, started in %d ms%n", broker, broker.startupTime().toMillis());
      String topic = "standard-workload-" + options.events + "-" + UUID.randomUUID().toString().substring(0, 8);
      broker.createTopic(topic, options.partitions);
      WorkloadAppender.Appended produced = WorkloadAppender.append(broker.bootstrapServers(), topic,
          OptionalInt.of(options.partitions), StandardWorkload.of(options.events));
      out.printf(Locale.ROOT, "produced %,d events to %s (%d partitions) in %.3f s: %,.0f events/s;"
          + " fingerprint %s%n", produced.sent(), topic, options.partitions, produced.nanos() / 1e9,
          produced.eventsPerSecond(), Fingerprint.of(StandardWorkload.of(options.events)).hex());
      ReadModelDigest reference = referenceDigest(options.events);
      out.println("reference digest (the workload's read model, folded in memory): " + reference);
      return measure(broker.bootstrapServers(), topic, reference) ? 0 : 1;
    }
  }

  private boolean measure(String bootstrapServers, String topic, ReadModelDigest reference) {
    try (KafkaJdbcLoopBaseline loop =
        new KafkaJdbcLoopBaseline(jdbcUrl, tablePrefix, bootstrapServers, topic, options.batchSize)) {
      List<Double> rates = new ArrayList<>();
      for (int run = 0; run <= options.runs; run++) {
        loop.reset();
        System.gc();
        KafkaJdbcLoopBaseline.Run result = loop.run();
        if (result.eventsApplied() != options.events) {
          throw new IllegalStateException("the loop applied " + result.eventsApplied() + " of "
              + options.events + " events");
        }
        if (run > 0) {
          rates.add(result.eventsPerSecond());
        }
        out.printf(Locale.ROOT, "  %-9s Kafka JDBC loop %,12.0f events/s  (%.3f s: poll %.3f s,"
            + " decode and statements %.3f s, commit %.3f s; %,d commits, assigned after %d ms)%n",
            run == 0 ? "warm-up" : "run " + run, result.eventsPerSecond(), result.nanos() / 1e9,
            result.pollNanos() / 1e9, result.writeNanos() / 1e9, result.commitNanos() / 1e9,
            result.commits(), result.assignedAfterNanos() / 1_000_000);
      }
      ReadModelDigest digest = loop.digest();
      boolean same = digest.equals(reference);
      out.printf("  digest    Kafka JDBC loop %s%s%n", digest, same ? "" : "  <-- DIFFERS");
      out.printf(Locale.ROOT, "| N | partitions | max.poll.records | Kafka JDBC loop, median of %d |"
          + " digest |%n|---|---|---|---|---|%n| %,d | %d | %,d | %,.0f | %s |%n", options.runs, options.events,
          options.partitions, options.batchSize, EndToEnd.median(rates), same ? "equal" : "DIFFERS");
      return same;
    }
  }

  /** The workload's read model folded in memory, as every other path must build it. */
  static ReadModelDigest referenceDigest(int events) {
    Map<String, OrderSummaryDocument> documents = new HashMap<>();
    for (EventEnvelope<WorkloadEvent> envelope : StandardWorkload.of(events)) {
      WorkloadEvent event = envelope.payload();
      if (event instanceof OrderCreated created) {
        documents.put(created.orderId(), OrderSummaryDocument.created(created));
      } else if (event instanceof ItemAdded item) {
        documents.computeIfPresent(item.orderId(), (id, document) -> document.withItem(item));
      } else if (event instanceof OrderShipped shipped) {
        documents.computeIfPresent(shipped.orderId(), (id, document) -> document.shipped(shipped));
      }
    }
    return ReadModelDigest.of(documents.values().stream());
  }
}
