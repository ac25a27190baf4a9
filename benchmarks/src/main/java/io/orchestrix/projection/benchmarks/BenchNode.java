package io.orchestrix.projection.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One node of the partition benchmarks: a {@link ProjectionRunner} with a node name that runs the
 * standard workload's projection, split into {@code --partitions}, over a JDBC event store (written by
 * the examples' {@code append}), until the whole projection (every partition, whoever owns it) has
 * processed {@code --until}, and prints its events/s. {@link PartitionBench} starts several of these
 * as child JVMs; one can also be run by hand.
 *
 * <p>With {@code --handler-wait-micros W} every event also goes to a handler that parks its thread
 * for W µs ({@link LockSupport#parkNanos}): a call to another service, which waits without using a
 * core. The mean wait actually observed (parking overshoots on Linux) is printed at the end.
 *
 * <p>Protocol on standard input and output (one line each, for {@link PartitionBench}): with
 * {@code --hold} the runner starts paused and prints {@code owned K [partitions]} whenever the set of
 * partitions it owns changes, and starts processing at the line {@code go} on standard input; the
 * line {@code stop} stops it gracefully at any time (the end of standard input changes nothing). It prints
 * {@code go-epoch-ms T} when it starts processing and {@code reached-epoch-ms T} once every
 * partition has reached {@code --until}. Exit code 0, 1 if the projection failed, 2 on bad input.
 */
@Command(name = "bench-node", mixinStandardHelpOptions = true,
    description = "A node of the partition benchmarks: a ProjectionRunner with a node name over a"
        + " JDBC event store, until every partition reached a position; prints events/s.")
public final class BenchNode implements Callable<Integer> {

  /** The workload's event type names, as the examples' {@code append} writes them. */
  static final EventTypes TYPES = EventTypes.builder()
      .mapper(JacksonDocumentCodec.defaultMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true)))
      .register("OrderCreated", WorkloadEvent.OrderCreated.class)
      .register("ItemAdded", WorkloadEvent.ItemAdded.class)
      .register("OrderShipped", WorkloadEvent.OrderShipped.class)
      .build();

  @Option(names = "--store", required = true, paramLabel = "URI",
      description = "The projection's store, for example jdbc:postgresql://127.0.0.1:5432/h9?user=postgres")
  String storeUri;

  @Option(names = {"-P", "--store-property"}, paramLabel = "KEY=VALUE",
      description = "A store option, repeatable (for example -P table-prefix=pb8_).")
  Map<String, String> storeProperties = new HashMap<>();

  @Option(names = "--source", required = true, paramLabel = "JDBC_URL",
      description = "The JDBC event store holding the workload's events.")
  String sourceUrl;

  @Option(names = {"-S", "--source-property"}, paramLabel = "KEY=VALUE",
      description = "An event store option, repeatable.")
  Map<String, String> sourceProperties = new HashMap<>();

  @Option(names = "--partitions", defaultValue = "1", paramLabel = "P",
      description = "Partitions of the projection. Default: ${DEFAULT-VALUE}")
  int partitions;

  @Option(names = "--node", required = true, paramLabel = "NAME", description = "This node's name.")
  String node;

  @Option(names = "--lease-seconds", defaultValue = "10", paramLabel = "S",
      description = "Lease time. Default: ${DEFAULT-VALUE}")
  int leaseSeconds;

  @Option(names = "--until", required = true, paramLabel = "N",
      description = "Stop once every partition has processed this position.")
  long until;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "Events per page and batch. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--handler-wait-micros", defaultValue = "0", paramLabel = "W",
      description = "Each event's handler parks its thread this long (0: no wait). Default: ${DEFAULT-VALUE}")
  int handlerWaitMicros;

  @Option(names = "--hold", description = "Start paused; process from the line 'go' on stdin.")
  boolean hold;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private final LongAdder waits = new LongAdder();
  private final LongAdder waitedNanos = new LongAdder();

  /** Runs one node; see the class comment for the exit codes. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchNode()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (partitions < 1 || until < 1 || handlerWaitMicros < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--partitions and --until must"
          + " be positive and --handler-wait-micros not negative");
    }
    CountDownLatch go = new CountDownLatch(hold ? 1 : 0);
    CountDownLatch stop = new CountDownLatch(1);
    Thread input = new Thread(() -> readCommands(go, stop), "bench-node-stdin");
    input.setDaemon(true);
    input.start();
    try (ProjectionStore store = ProjectionStoreProviders.open(storeUri, storeProperties);
         JdbcEventStore source = JdbcEventStore.open(sourceUrl, TYPES, sourceProperties)) {
      ProjectionEngine engine =
          WorkloadProjection.engine(store, batchSize, FailurePolicy.stop(), partitions);
      if (handlerWaitMicros > 0) {
        long nanos = TimeUnit.MICROSECONDS.toNanos(handlerWaitMicros);
        engine.on(WorkloadEvent.class, (WorkloadEvent event, HandlerContext context) -> {
          long started = System.nanoTime();
          LockSupport.parkNanos(nanos);
          waitedNanos.add(System.nanoTime() - started);
          waits.increment();
        });
      }
      String id = engine.projectionId();
      try (ProjectionRunner runner = ProjectionRunner.builder(source).projection(engine)
          .batchSize(batchSize).node(node).leaseTime(Duration.ofSeconds(leaseSeconds)).build()) {
        Thread hook = new Thread(runner::stop, "bench-node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (hold) {
          runner.pause(id);
        }
        runner.start();
        String owned = "";
        while (!go.await(20, TimeUnit.MILLISECONDS)) {
          owned = reportOwned(runner, id, owned);
          if (stop.getCount() == 0) {
            return 0;
          }
        }
        if (stop.getCount() == 0) {
          return 0;
        }
        long goMillis = System.currentTimeMillis();
        long goNanos = System.nanoTime();
        runner.resume(id);
        out.println("go-epoch-ms " + goMillis);
        int code = follow(runner, id, stop, owned);
        if (code == 0) {
          long nanos = System.nanoTime() - goNanos;
          out.printf(Locale.ROOT, "reached-epoch-ms %d%n", goMillis + nanos / 1_000_000);
          out.printf(Locale.ROOT, "node %s: all %d partitions reached %,d in %.3f s from go:"
              + " %,.0f events/s (whole projection, from position 0)%n", node, partitions, until,
              nanos / 1e9, until * 1e9 / nanos);
        }
        runner.stop();
        if (waits.sum() > 0) {
          out.printf(Locale.ROOT, "node %s: %,d handler waits of %d µs asked, %.1f µs observed on"
              + " average%n", node, waits.sum(), handlerWaitMicros,
              waitedNanos.sum() / 1e3 / waits.sum());
        }
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook stops the runner
        }
        return code == 3 ? 0 : code;
      }
    }
  }

  private int follow(ProjectionRunner runner, String id, CountDownLatch stop, String ownedBefore)
      throws InterruptedException {
    String owned = ownedBefore;
    while (!runner.awaitPosition(id, until, Duration.ofMillis(20))) {
      owned = reportOwned(runner, id, owned);
      ProjectionStatus status = runner.status(id);
      if (status.state() == ProjectionStatus.RunState.FAILED) {
        out.println("failed " + status.lastError());
        return 1;
      }
      if (stop.getCount() == 0) {
        out.println("stopped before reaching " + until);
        return 3;
      }
    }
    return 0;
  }

  private String reportOwned(ProjectionRunner runner, String id, String before) {
    List<Integer> mine = runner.partitions(id).stream().filter(PartitionStatus::ownedHere)
        .map(PartitionStatus::partition).toList();
    String now = "owned " + mine.size() + " " + mine;
    if (!now.equals(before)) {
      out.println(now + " at-epoch-ms " + System.currentTimeMillis());
    }
    return now;
  }

  private static void readCommands(CountDownLatch go, CountDownLatch stop) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.trim().equals("go")) {
          go.countDown();
        } else if (line.trim().equals("stop")) {
          stop.countDown();
          go.countDown();
          return;
        }
      }
    } catch (java.io.IOException e) {
      // no more commands; the node runs on until --until or a signal
    }
  }
}
