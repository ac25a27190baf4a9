package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.spi.support.StoreUris;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end harness: the standard workload through the engine on each given store and, in the
 * same process and minutes, through the hand-written baseline for that server (the JDBC loop on
 * PostgreSQL, the Jedis loop on Redis, the bulkWrite loop on MongoDB). Per store: one warm-up run of
 * each side, then {@code --runs} rounds that alternate which side goes first; each run starts from an
 * empty read model and checkpoint (reset, not timed) and is timed until its last commit returns. It
 * prints every run, checks that every side built the read model of the reference digest, and ends with
 * a table of medians and the engine/baseline ratio.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.orchestrix.projection.benchmarks.EndToEnd
 * --events 100000 --store memory: --store 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres'}.
 */
@Command(
    name = "end-to-end",
    mixinStandardHelpOptions = true,
    description = "Standard workload: engine vs hand-written loops, alternating, median of runs.")
public final class EndToEnd implements Callable<Integer> {

  @Option(names = "--events", defaultValue = "100000", paramLabel = "N",
      description = "Events, a positive multiple of 5. Default: ${DEFAULT-VALUE}")
  int events;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "Events per commit, both sides. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--runs", defaultValue = "3", paramLabel = "R",
      description = "Measured runs per side after the warm-up; the median is reported. Default: ${DEFAULT-VALUE}")
  int runs;

  @Option(names = "--store", paramLabel = "URI", defaultValue = "memory:",
      description = "A store to measure; repeat for several. memory:, jdbc:h2:file:/tmp/bench,"
          + " jdbc:postgresql://127.0.0.1:5432/test?user=postgres, redis://127.0.0.1:6379,"
          + " mongodb://host/db, or " + EmbeddedMongo.STORE_NAME + " (in-process server).")
  List<String> stores;

  @Option(names = "--redis-key-prefix", defaultValue = "bench:", paramLabel = "PREFIX",
      description = "Key prefix of the engine's Redis store (the Jedis loop uses "
          + JedisLoopBaseline.DEFAULT_PREFIX + "). Default: ${DEFAULT-VALUE}")
  String redisKeyPrefix;

  @Option(names = "--no-baselines", description = "Measure the engine only.")
  boolean noBaselines;

  @Option(names = "--no-pipelined",
      description = "Skip the engine fed through submit() (pipelined commits); measure processEvents() only.")
  boolean noPipelined;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Runs the harness; exits with 0 if every digest matched. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new EndToEnd()).execute(args));
  }

  /** One store's figures; NaN where a side was not measured. */
  record Row(String store, String baseline, double engine, double pipelined, double loop,
      boolean digestsMatch) {}

  @Override
  public Integer call() {
    StandardWorkload workload = StandardWorkload.of(events);
    List<EventEnvelope<WorkloadEvent>> stream = workload.toList();
    out.printf(Locale.ROOT, "workload: %,d events, %,d orders, fingerprint %s; batch size %,d;"
        + " %d measured runs per side after a warm-up%n", events, workload.orders(),
        Fingerprint.of(stream).hex(), batchSize, runs);
    ReadModelDigest reference = referenceDigest(stream);
    out.println("reference digest (engine on a fresh in-memory store): " + reference);

    List<Row> rows = new ArrayList<>();
    for (String store : stores) {
      rows.add(measure(store, stream, reference));
    }
    printTable(rows);
    return rows.stream().allMatch(Row::digestsMatch) ? 0 : 1;
  }

  private ReadModelDigest referenceDigest(List<EventEnvelope<WorkloadEvent>> stream) {
    var engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), batchSize);
    WorkloadRunner.run(engine, stream, batchSize, checkpoint -> { });
    return ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));
  }

  private Row measure(String store, List<EventEnvelope<WorkloadEvent>> stream,
      ReadModelDigest reference) {
    try (EmbeddedMongo embedded = store.equals(EmbeddedMongo.STORE_NAME) ? new EmbeddedMongo() : null) {
      String uri = embedded != null ? embedded.uri() : store;
      String label = embedded != null ? "MongoDB in-process (mongo-java-server)"
          : StoreUris.redact(uri);
      out.println();
      out.println("== " + label);
      List<Contender> sides = new ArrayList<>();
      sides.add(new EngineContender(uri, propertiesFor(uri), batchSize, false));
      if (!noPipelined) {
        sides.add(new EngineContender(uri, propertiesFor(uri), batchSize, true));
      }
      Contender baseline = noBaselines ? null : baselineFor(uri);
      if (baseline != null) {
        sides.add(baseline);
      }
      Runnable settle = uri.startsWith("redis") ? () -> RedisLazyFree.await(uri) : () -> { };
      try {
        return measure(label, sides, baseline, stream, reference, settle);
      } finally {
        sides.forEach(Contender::close);
      }
    }
  }

  private Row measure(String label, List<Contender> sides, @Nullable Contender baseline,
      List<EventEnvelope<WorkloadEvent>> stream, ReadModelDigest reference, Runnable settle) {
    for (Contender side : sides) {
      WorkloadRunner.Result warmUp = runOnce(side, stream, settle);
      out.printf(Locale.ROOT, "  warm-up   %-22s %,12.0f events/s%n", side.name(),
          warmUp.eventsPerSecond());
    }
    Map<Contender, List<Double>> rates = new HashMap<>();
    for (int round = 1; round <= runs; round++) {
      List<Contender> order = new ArrayList<>(sides);
      if (round % 2 == 0) {
        Collections.reverse(order);
      }
      for (Contender side : order) {
        WorkloadRunner.Result result = runOnce(side, stream, settle);
        rates.computeIfAbsent(side, s -> new ArrayList<>()).add(result.eventsPerSecond());
        out.printf(Locale.ROOT, "  run %d     %-22s %,12.0f events/s  (%.3f s)%n", round,
            side.name(), result.eventsPerSecond(), result.seconds());
      }
    }
    boolean match = true;
    for (Contender side : sides) {
      ReadModelDigest digest = side.digest();
      boolean same = digest.equals(reference);
      match &= same;
      out.printf("  digest    %-22s %s%s%n", side.name(), digest, same ? "" : "  <-- DIFFERS");
    }
    double engine = median(rates.get(sides.get(0)));
    double pipelined = noPipelined ? Double.NaN : median(rates.get(sides.get(1)));
    double loop = baseline == null ? Double.NaN : median(rates.get(baseline));
    return new Row(label, baseline == null ? "-" : baseline.name(), engine, pipelined, loop, match);
  }

  /** Resets a side, lets the store settle (see {@link RedisLazyFree}) and the heap, then times it. */
  private WorkloadRunner.Result runOnce(
      Contender side, List<EventEnvelope<WorkloadEvent>> stream, Runnable settle) {
    side.reset();
    settle.run();
    System.gc();
    WorkloadRunner.Result result = side.run(stream, batchSize);
    if (result.toCheckpoint() != stream.size() || result.eventsApplied() != stream.size()) {
      throw new IllegalStateException(side.name() + " stopped at checkpoint " + result.toCheckpoint()
          + " after applying " + result.eventsApplied() + " of " + stream.size() + " events");
    }
    return result;
  }

  private Map<String, String> propertiesFor(String uri) {
    return uri.startsWith("redis") ? Map.of("key-prefix", redisKeyPrefix) : Map.of();
  }

  private static @Nullable Contender baselineFor(String uri) {
    if (uri.startsWith("jdbc:postgresql:")) {
      return new JdbcLoopBaseline(uri, JdbcLoopBaseline.DEFAULT_PREFIX);
    }
    if (uri.startsWith("redis://")) {
      return new JedisLoopBaseline(uri, JedisLoopBaseline.DEFAULT_PREFIX);
    }
    if (uri.startsWith("mongodb://") || uri.startsWith("mongodb+srv://")) {
      return new MongoBulkBaseline(uri);
    }
    return null;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private void printTable(List<Row> rows) {
    out.println();
    out.printf(Locale.ROOT, "| store | N | batch | engine | engine, pipelined | baseline"
        + " | baseline events/s | engine / baseline | pipelined / baseline | digests |%n"
        + "|---|---|---|---|---|---|---|---|---|---|%n");
    for (Row row : rows) {
      out.printf(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %s | %s | %s | %s | %s |%n", row.store(),
          events, batchSize, rate(row.engine()), rate(row.pipelined()), row.baseline(),
          rate(row.loop()), ratio(row.engine(), row.loop()), ratio(row.pipelined(), row.loop()),
          row.digestsMatch() ? "equal" : "DIFFER");
    }
    out.printf(Locale.ROOT, "(events/s, medians of %d runs each, runs alternating)%n", runs);
  }

  private static String rate(double eventsPerSecond) {
    return Double.isNaN(eventsPerSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", eventsPerSecond);
  }

  private static String ratio(double engine, double loop) {
    return Double.isNaN(engine) || Double.isNaN(loop) ? "-"
        : String.format(Locale.ROOT, "%.2fx", engine / loop);
  }
}
