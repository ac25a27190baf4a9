package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.examples.kafka.WorkloadAppender;
import io.orchestrix.projection.examples.kafka.WorkloadLayout;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The Kafka source against the hand-written Kafka JDBC loop, side by side in one run: one broker (a
 * child JVM, or {@code --bootstrap}), one topic of K partitions holding the standard workload of N
 * events ({@link WorkloadAppender}), then, from empty read models and checkpoints each time, the
 * {@link KafkaJdbcLoopBaseline} on PostgreSQL and a {@link KafkaProjectionSource} feeding the engine
 * on PostgreSQL, and on Redis and memory where asked: one warm-up run each, then {@code --runs}
 * rounds in which every side runs once, in turn. Prints every run, each side's digest against the
 * workload's folded in memory, and a table of medians. Exits 0 if every digest matched.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.orchestrix.projection.benchmarks.KafkaSourceBench --events 1000000 --jdbc-url URL
 * --redis-url redis://127.0.0.1:6379/10 --memory}.
 */
@Command(
    name = "kafka-source-bench",
    mixinStandardHelpOptions = true,
    description = "Standard workload from Kafka: the Kafka source on the engine vs the hand-written"
        + " Kafka->JDBC loop, alternating.")
public final class KafkaSourceBench implements Callable<Integer> {

  @Mixin
  KafkaBenchOptions options;

  @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
      description = "The PostgreSQL database of the loop's tables and of the engine's store.")
  String jdbcUrl;

  @Option(names = "--table-prefix", defaultValue = "bench_kafka_src_", paramLabel = "PREFIX",
      description = "Table prefix of the engine's PostgreSQL store. A prefix whose tables hold the"
          + " projection split into another partition count needs dropping first. Default:"
          + " ${DEFAULT-VALUE}")
  String tablePrefix;

  @Option(names = "--loop-table-prefix", defaultValue = KafkaJdbcLoopBaseline.DEFAULT_PREFIX,
      paramLabel = "PREFIX", description = "Prefix of the loop's two tables. Default: ${DEFAULT-VALUE}")
  String loopTablePrefix;

  @Option(names = "--redis-url", paramLabel = "URI",
      description = "Also run the source on this Redis store (key prefix benchkafka:).")
  @Nullable String redisUrl;

  @Option(names = "--memory", description = "Also run the source on the in-memory store.")
  boolean memory;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Runs the command; exits with 0 if every digest matched. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new KafkaSourceBench()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    StandardWorkload workload = StandardWorkload.of(options.events);
    options.check(new CommandLine(this));
    try (KafkaTestBroker broker = options.broker()) {
      out.printf(Locale.ROOT, "broker: %s, started in %d ms%n", broker, broker.startupTime().toMillis());
      String topic = "standard-workload-" + options.events + "-" + UUID.randomUUID().toString().substring(0, 8);
      WorkloadAppender.Appended produced = WorkloadAppender.append(broker.bootstrapServers(), topic,
          OptionalInt.of(options.partitions), workload);
      WorkloadLayout layout = produced.layout();
      out.printf(Locale.ROOT, "produced %,d events to %s (%d partitions) in %.3f s: %,.0f events/s;"
          + " fingerprint %s; %s%n", produced.sent(), topic, options.partitions, produced.nanos() / 1e9,
          produced.eventsPerSecond(), Fingerprint.of(workload).hex(), layout);
      ReadModelDigest reference = KafkaBaseline.referenceDigest(options.events);
      out.println("reference digest (the workload's read model, folded in memory): " + reference);
      return measure(broker.bootstrapServers(), topic, layout, reference) ? 0 : 1;
    }
  }

  private boolean measure(String bootstrapServers, String topic, WorkloadLayout layout,
      ReadModelDigest reference) throws InterruptedException {
    List<KafkaSourceContender> sources = new ArrayList<>();
    sources.add(new KafkaSourceContender("source -> PostgreSQL", jdbcUrl,
        Map.of("table-prefix", tablePrefix), bootstrapServers, topic, layout, options.batchSize));
    if (redisUrl != null) {
      sources.add(new KafkaSourceContender("source -> Redis", redisUrl,
          Map.of("key-prefix", "benchkafka:"), bootstrapServers, topic, layout, options.batchSize));
    }
    if (memory) {
      sources.add(new KafkaSourceContender("source -> memory", "memory:", Map.of(),
          bootstrapServers, topic, layout, options.batchSize));
    }
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    String loopName = "Kafka JDBC loop";
    rates.put(loopName, new ArrayList<>());
    sources.forEach(source -> rates.put(source.name(), new ArrayList<>()));
    boolean match = true;
    try (KafkaJdbcLoopBaseline loop =
        new KafkaJdbcLoopBaseline(jdbcUrl, loopTablePrefix, bootstrapServers,
            topic, options.batchSize)) {
      sources.forEach(source -> out.println(source.name() + ": " + source.description()));
      for (int round = 0; round <= options.runs; round++) {
        String label = round == 0 ? "warm-up" : "run " + round;
        loop.reset();
        System.gc();
        KafkaJdbcLoopBaseline.Run result = loop.run();
        if (result.eventsApplied() != options.events) {
          throw new IllegalStateException("the loop applied " + result.eventsApplied() + " of "
              + options.events + " events");
        }
        print(label, loopName, result.eventsPerSecond(), result.nanos());
        if (round > 0) {
          rates.get(loopName).add(result.eventsPerSecond());
        }
        for (KafkaSourceContender source : sources) {
          source.reset();
          if (source.name().endsWith("Redis") && redisUrl != null) {
            RedisLazyFree.await(redisUrl);
          }
          System.gc();
          long nanos = source.run();
          double rate = options.events * 1e9 / nanos;
          print(label, source.name(), rate, nanos);
          if (round > 0) {
            rates.get(source.name()).add(rate);
          }
        }
      }
      match &= report(loopName, loop.digest(), reference);
      for (KafkaSourceContender source : sources) {
        match &= report(source.name(), source.digest(), reference);
      }
    } finally {
      sources.forEach(KafkaSourceContender::close);
    }
    double baseline = EndToEnd.median(rates.get(loopName));
    out.printf(Locale.ROOT, "%n| side | N | partitions | batch | events/s, median of %d | vs Kafka JDBC"
        + " loop |%n|---|---|---|---|---|---|%n", options.runs);
    for (Map.Entry<String, List<Double>> side : rates.entrySet()) {
      double median = EndToEnd.median(side.getValue());
      out.printf(Locale.ROOT, "| %s | %,d | %d | %,d | %,.0f | %.2fx |%n", side.getKey(), options.events,
          options.partitions, options.batchSize, median, median / baseline);
    }
    out.println(match ? "(every digest equals the reference)" : "(a digest DIFFERS)");
    return match;
  }

  private void print(String label, String side, double rate, long nanos) {
    out.printf(Locale.ROOT, "  %-9s %-22s %,12.0f events/s  (%.3f s)%n", label, side, rate, nanos / 1e9);
  }

  private boolean report(String side, ReadModelDigest digest, ReadModelDigest reference) {
    boolean same = digest.equals(reference);
    out.printf("  digest    %-22s %s%s%n", side, digest, same ? "" : "  <-- DIFFERS");
    return same;
  }
}
