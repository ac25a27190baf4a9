package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.Generation;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a reader sees while a projection is rebuilt without downtime: the standard workload's
 * projection is built live as version 1 from N events, then a reader thread on a store instance of its
 * own queries it continuously, by id and by index, first for a while with nothing else running (the
 * idle latency), then while version 2 is built beside it from the same N events and cut over. Prints
 * the latency percentiles of both phases, the count of queries that found nothing for an order that
 * exists (must be 0), and whether the model after the cut-over has the reference digest. Exits 0 if
 * no query came back empty and the digest matched.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.orchestrix.projection.benchmarks.RebuildReaderLatency --store jdbc:postgresql://127.0.0.1/test?user=postgres
 * -P table-prefix=rrl_ --events 1000000}.
 */
@Command(name = "rebuild-reader-latency", mixinStandardHelpOptions = true,
    description = "Reader latency, idle and during a blue/green rebuild and cut-over.")
public final class RebuildReaderLatency implements Callable<Integer> {

  @Option(names = "--store", required = true, paramLabel = "URI",
      description = "The projection store (memory:, jdbc:..., redis://..., mongodb://..., or "
          + EmbeddedMongo.STORE_NAME + " for an in-process server).")
  String storeUri;

  @Option(names = {"-P", "--store-property"}, paramLabel = "KEY=VALUE",
      description = "A store option, repeatable; use a new table or key prefix each run (a store whose"
          + " live version is already 2 refuses version 1).")
  Map<String, String> storeProperties = new LinkedHashMap<>();

  @Option(names = "--events", defaultValue = "1000000", paramLabel = "N",
      description = "Events, a positive multiple of 5. Default: ${DEFAULT-VALUE}")
  int events;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "Events per batch of both builds. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--build-rate-limit", defaultValue = "0", paramLabel = "N",
      description = "The most events per second the rebuild processes (0: no limit)."
          + " Default: ${DEFAULT-VALUE}")
  int buildRateLimit;

  @Option(names = "--idle-seconds", defaultValue = "10", paramLabel = "S",
      description = "How long the reader reads before the rebuild starts. Default: ${DEFAULT-VALUE}")
  int idleSeconds;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Runs the command; exits 0 if no read came back empty and the digest matched. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new RebuildReaderLatency()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    StandardWorkload workload = StandardWorkload.of(events);
    int orders = events / StandardWorkload.EVENTS_PER_ORDER;
    // the in-memory store lives in its instance, so there the reader shares the writer's
    boolean shared = storeUri.startsWith("memory:");
    try (EmbeddedMongo embedded =
             storeUri.equals(EmbeddedMongo.STORE_NAME) ? new EmbeddedMongo() : null;
         ProjectionStore writerStore = ProjectionStoreProviders.open(uri(embedded), storeProperties);
         ProjectionStore ownReaderStore = shared ? null
             : ProjectionStoreProviders.open(uri(embedded), storeProperties)) {
      ProjectionStore readerStore = shared ? writerStore : ownReaderStore;
      ProjectionEngine live = WorkloadProjection.engine(writerStore, batchSize, FailurePolicy.stop(),
          1, "1");
      long started = System.nanoTime();
      live.replay(workload);
      out.printf(Locale.ROOT, "store        %s%nbuilt        version 1 from %,d events in %.1f s%n",
          writerStore.description(), events, (System.nanoTime() - started) / 1e9);

      ReadModelView<OrderSummaryDocument> view = WorkloadProjection.engine(readerStore, batchSize,
          FailurePolicy.stop(), 1, "1").readModel(OrderSummaryDocument.READ_MODEL);
      Reader reader = new Reader(view, orders);
      Thread readerThread = new Thread(reader, "reader");
      readerThread.start();
      Thread.sleep(idleSeconds * 1000L);
      long[] idle = reader.takeLatencies();

      ProjectionEngine next = WorkloadProjection.engine(writerStore, batchSize,
          FailurePolicy.stop(), 1, "2", buildRateLimit);
      started = System.nanoTime();
      Generation building = next.generations().startRebuild();
      next.replay(workload);
      Generation cutOver = next.generations().cutOver();
      double rebuildSeconds = (System.nanoTime() - started) / 1e9;
      long[] during = reader.takeLatencies();
      reader.stop();
      readerThread.join();

      ReadModelDigest digest = ReadModelDigest.of(next.readModel(OrderSummaryDocument.READ_MODEL));
      ReadModelDigest reference = KafkaBaseline.referenceDigest(events);
      out.printf(Locale.ROOT, "rebuilt      generation %d (version %s) in %.1f s (%s), cut over"
          + " to %d%n", building.number(), building.version(), rebuildSeconds,
          buildRateLimit == 0 ? "no rate limit" : String.format(Locale.ROOT,
              "limit %,d events/s", buildRateLimit), cutOver.number());
      out.println("| phase | queries | p50 ms | p99 ms | p99.9 ms | max ms |");
      out.println("|---|---|---|---|---|---|");
      row("idle", idle);
      row("rebuild and cut-over", during);
      out.printf(Locale.ROOT, "p99 during / idle: %.2fx%n", percentile(during, 0.99)
          / (double) Math.max(1, percentile(idle, 0.99)));
      out.printf(Locale.ROOT, "empty reads  %,d of orders that exist%n", reader.empty.get());
      boolean same = digest.equals(reference);
      out.println("digest       " + digest + (same ? " (equal to the reference)" : " DIFFERS from "
          + reference));
      return reader.empty.get() == 0 && same ? 0 : 1;
    }
  }

  private String uri(@Nullable EmbeddedMongo embedded) {
    return embedded != null ? embedded.uri() : storeUri;
  }

  private void row(String phase, long[] latencies) {
    out.printf(Locale.ROOT, "| %s | %,d | %.3f | %.3f | %.3f | %.3f |%n", phase, latencies.length,
        percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
        percentile(latencies, 0.999) / 1e6, percentile(latencies, 1.0) / 1e6);
  }

  private static long percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /**
   * Reads random existing orders by id, and every tenth time their customer by index, counting any
   * read that finds nothing; keeps every latency of the current phase. The phase's latencies are
   * handed over by {@link #takeLatencies()} under this object's lock.
   */
  private static final class Reader implements Runnable {
    private final ReadModelView<OrderSummaryDocument> view;
    private final int orders;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong empty = new AtomicLong();
    private long[] latencies = new long[1 << 16];
    private int count;

    Reader(ReadModelView<OrderSummaryDocument> view, int orders) {
      this.view = view;
      this.orders = orders;
    }

    @Override
    public void run() {
      SplittableRandom random = new SplittableRandom(7);
      for (long query = 0; running.get(); query++) {
        int order = random.nextInt(orders);
        long started = System.nanoTime();
        boolean found = query % 10 == 9
            ? view.findBy("customer_id", "cust-" + (int) ((7L * order) % 1000)).stream()
                .anyMatch(document -> document.orderId().equals(StandardWorkload.orderId(order)))
            : view.findById(StandardWorkload.orderId(order)).isPresent();
        record(System.nanoTime() - started);
        if (!found) {
          empty.incrementAndGet();
        }
      }
    }

    private synchronized void record(long nanos) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }

    /** The latencies since the last call, sorted; starts a new phase. */
    synchronized long[] takeLatencies() {
      long[] taken = Arrays.copyOf(latencies, count);
      count = 0;
      Arrays.sort(taken);
      return taken;
    }

    void stop() {
      running.set(false);
    }
  }
}
