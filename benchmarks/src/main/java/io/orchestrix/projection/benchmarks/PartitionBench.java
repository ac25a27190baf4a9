package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The partition benchmarks of issue 11: nodes ({@link BenchNode}, each a child JVM) running the
 * standard workload's projection over a JDBC event store that already holds {@code --events} events
 * (the examples' {@code append}).
 *
 * <ul>
 *   <li><b>Scale</b> ({@code --scenario KxP}, repeatable): K nodes share P partitions. Before each run
 *       the projection is reset (not timed); the nodes start paused ({@code --hold}) and are told
 *       {@code go} once the partitions are spread over them (each owns at least one and at most
 *       ⌈P/K⌉); the clock runs from {@code go} until the first node sees every partition at N. The
 *       scenarios alternate, their order rotating every run, and the median of each is reported.
 *       Every run's read model is compared with the digest of the engine on an in-memory store.
 *   <li><b>Failover</b> ({@code --failover T}): per trial a node A processes, a node B stands by;
 *       after a random delay A is killed with SIGKILL and the time until the first checkpoint of a
 *       partition A owned moves (the first commit by its new owner; nothing else can commit it) is
 *       measured by polling the store every 5 ms.
 * </ul>
 *
 * <p>Each partition count gets tables of its own (table prefix {@code <--table-prefix><P>_}), since
 * changing P needs a rebuild. Not thread-safe; a command-line program.
 */
@Command(name = "partition-bench", mixinStandardHelpOptions = true,
    description = "Partitions and nodes: throughput of K nodes sharing P partitions, and failover.")
public final class PartitionBench implements Callable<Integer> {

  @Option(names = "--store", required = true, paramLabel = "URI", description = "The projection store.")
  String storeUri;

  @Option(names = "--table-prefix", defaultValue = "pb", paramLabel = "PREFIX",
      description = "Table prefix of the store; P and '_' are appended. Default: ${DEFAULT-VALUE}")
  String tablePrefix;

  @Option(names = "--source", required = true, paramLabel = "JDBC_URL",
      description = "The JDBC event store, holding exactly --events of the workload's events.")
  String sourceUrl;

  @Option(names = "--events", defaultValue = "100000", paramLabel = "N", description = "Events.")
  int events;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B", description = "Batch.")
  int batchSize;

  @Option(names = "--handler-wait-micros", defaultValue = "0", paramLabel = "W",
      description = "Each event's handler parks this long. Default: ${DEFAULT-VALUE}")
  int handlerWaitMicros;

  @Option(names = "--lease-seconds", defaultValue = "10", paramLabel = "S", description = "Lease time.")
  int leaseSeconds;

  @Option(names = "--scenario", paramLabel = "KxP", description = "K nodes, P partitions; repeatable.")
  List<String> scenarios = new ArrayList<>();

  @Option(names = "--runs", defaultValue = "3", paramLabel = "R", description = "Runs per scenario.")
  int runs;

  @Option(names = "--failover", defaultValue = "0", paramLabel = "T",
      description = "Failover trials (two nodes, --failover-partitions partitions).")
  int failoverTrials;

  @Option(names = "--failover-partitions", defaultValue = "1", paramLabel = "P",
      description = "Partitions in the failover trials. Default: ${DEFAULT-VALUE}")
  int failoverPartitions;

  @Option(names = "--jvm-option", paramLabel = "OPTION", description = "A child JVM option; repeatable.")
  List<String> jvmOptions = new ArrayList<>();

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Runs the benchmark; exits with 0 if every run's digest matched. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new PartitionBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (JdbcEventStore source = JdbcEventStore.open(sourceUrl, BenchNode.TYPES, Map.of())) {
      if (source.headPosition() != events) {
        out.printf("the event store holds %d events, not %d: run examples' append --events %d%n",
            source.headPosition(), events, events);
        return 2;
      }
    }
    var engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), batchSize);
    WorkloadRunner.run(engine, StandardWorkload.of(events).toList(), batchSize, checkpoint -> { });
    ReadModelDigest reference = ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));
    out.println("reference digest (engine on memory:): " + reference);
    boolean same = true;
    Map<String, List<Double>> rates = new HashMap<>();
    for (int run = 0; run < runs && !scenarios.isEmpty(); run++) {
      for (int i = 0; i < scenarios.size(); i++) {
        String scenario = scenarios.get((i + run) % scenarios.size());
        String[] kp = scenario.split("x");
        ScaleResult result = scale(run + 1, Integer.parseInt(kp[0]), Integer.parseInt(kp[1]));
        same &= result.digest().equals(reference);
        out.printf(Locale.ROOT, "RESULT run %d %s: %,d events in %.3f s = %,.0f events/s, digest %s%n",
            run + 1, scenario, events, result.millis() / 1e3, result.rate(),
            result.digest().equals(reference) ? "equal" : "DIFFERS " + result.digest());
        rates.computeIfAbsent(scenario, s -> new ArrayList<>()).add(result.rate());
      }
    }
    for (String scenario : scenarios) {
      List<Double> all = rates.get(scenario);
      out.printf(Locale.ROOT, "MEDIAN %s: %,.0f events/s of %s%n", scenario, median(all),
          all.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList());
    }
    if (failoverTrials > 0) {
      List<Double> seconds = new ArrayList<>();
      for (int trial = 1; trial <= failoverTrials; trial++) {
        seconds.add(failover(trial));
      }
      out.printf(Locale.ROOT, "FAILOVER median %.3f s of %s (lease %d s, %d partition(s))%n",
          median(seconds), seconds.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList(),
          leaseSeconds, failoverPartitions);
    }
    return same ? 0 : 1;
  }

  private record ScaleResult(long millis, double rate, ReadModelDigest digest) {}

  private ScaleResult scale(int run, int nodes, int partitions) throws Exception {
    out.printf("== run %d: %d node(s), %d partition(s)%n", run, nodes, partitions);
    try (ProjectionStore store = openStore(partitions)) {
      awaitNoLeases(store);
      projection(store, partitions).operations().reset();
      List<BenchChild> children = new ArrayList<>();
      try {
        for (int k = 1; k <= nodes; k++) {
          children.add(start("r" + run + "n" + k + "of" + nodes + "p" + partitions, partitions, true));
        }
        awaitSpread(children, partitions);
        long go = System.currentTimeMillis();
        children.forEach(child -> child.send("go"));
        for (BenchChild child : children) {
          child.awaitExit(TimeUnit.MINUTES.toMillis(30));
        }
        long reached = children.stream().mapToLong(BenchChild::reachedMillis)
            .filter(millis -> millis > 0).min()
            .orElseThrow(() -> new IllegalStateException("no node reached " + events));
        long millis = reached - go;
        ReadModelDigest digest = ReadModelDigest.of(
            projection(store, partitions).readModel(OrderSummaryDocument.READ_MODEL));
        return new ScaleResult(millis, events * 1e3 / millis, digest);
      } finally {
        children.forEach(BenchChild::kill);
      }
    }
  }

  private double failover(int trial) throws Exception {
    int partitions = failoverPartitions;
    String id = WorkloadProjection.PROJECTION_ID;
    out.printf("== failover trial %d: %d partition(s), lease %d s%n", trial, partitions, leaseSeconds);
    try (ProjectionStore store = openStore(partitions)) {
      awaitNoLeases(store);
      projection(store, partitions).operations().reset();
      String a = "fa" + trial;
      String b = "fb" + trial;
      BenchChild first = start(a, partitions, false);
      BenchChild second = null;
      try {
        awaitTrue(() -> max(checkpoints(store, partitions)) > 0, 120_000, "node A's first commit");
        second = start(b, partitions, false);
        awaitTrue(() -> store.leases(id + "#nodes").stream()
            .anyMatch(lease -> lease.owner().equals(b) && !lease.expired()), 120_000, "node B");
        Thread.sleep(500 + new Random(trial).nextInt(leaseSeconds * 1000 / 3));
        List<Lease> held = store.leases(id).stream()
            .filter(lease -> lease.owner().equals(a) && !lease.expired()).toList();
        if (held.isEmpty()) {
          throw new IllegalStateException("node A owns no partition before the kill: " + store.leases(id));
        }
        long killed = System.nanoTime();
        long killedAt = System.currentTimeMillis();
        first.kill();
        Thread.sleep(50);
        long[] before = checkpoints(store, partitions);
        if (max(before) >= events) {
          throw new IllegalStateException("node A finished before the kill; use more --events");
        }
        List<Integer> owned = held.stream().map(lease -> Integer.parseInt(lease.resource().substring(1)))
            .toList();
        while (true) {
          long[] now = checkpoints(store, partitions);
          if (owned.stream().anyMatch(p -> now[p] > before[p])) {
            break;
          }
          if (System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(leaseSeconds * 5L)) {
            throw new IllegalStateException("no commit by a new owner within 5 lease times");
          }
          Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - killed) / 1e9;
        out.printf(Locale.ROOT, "FAILOVER trial %d: SIGKILL of %s at-epoch-ms %d (owned %s, lease"
                + " remaining %s at the last read) to the first commit by the new owner: %.3f s%n",
            trial, a, killedAt, owned,
            held.stream().map(lease -> lease.remaining().toMillis() + " ms").toList(), seconds);
        second.send("stop");
        second.awaitExit(60_000);
        return seconds;
      } finally {
        first.kill();
        if (second != null) {
          second.kill();
        }
      }
    }
  }

  private ProjectionStore openStore(int partitions) {
    return ProjectionStoreProviders.open(storeUri, Map.of("table-prefix", tablePrefix + partitions + "_"));
  }

  private ProjectionEngine projection(ProjectionStore store, int partitions) {
    return WorkloadProjection.engine(store, batchSize, FailurePolicy.stop(), partitions);
  }

  private static long[] checkpoints(ProjectionStore store, int partitions) {
    long[] positions = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      String key = partitions == 1 ? WorkloadProjection.PROJECTION_ID
          : ProjectionIds.partitionKey(WorkloadProjection.PROJECTION_ID, p);
      positions[p] = store.loadState(key).map(ProjectionState::lastProcessedPosition).orElse(0L);
    }
    return positions;
  }

  private static long max(long[] values) {
    long max = 0;
    for (long value : values) {
      max = Math.max(max, value);
    }
    return max;
  }

  /** Waits until no node holds a lease or heartbeat (a killed node's expire after the lease time). */
  private void awaitNoLeases(ProjectionStore store) throws InterruptedException {
    String id = WorkloadProjection.PROJECTION_ID;
    awaitTrue(() -> store.leases(id).stream().allMatch(Lease::expired)
        && store.leases(id + "#nodes").stream().allMatch(Lease::expired), 120_000, "no live lease");
  }

  private void awaitSpread(List<BenchChild> children, int partitions) throws InterruptedException {
    int most = (partitions + children.size() - 1) / children.size();
    int least = partitions >= children.size() ? 1 : 0;
    long steadySince = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      int sum = children.stream().mapToInt(BenchChild::owned).sum();
      boolean spread = sum == partitions && children.stream()
          .allMatch(child -> child.owned() >= least && child.owned() <= most);
      if (!spread) {
        steadySince = 0;
      } else if (steadySince == 0) {
        steadySince = System.nanoTime();
      } else if (System.nanoTime() - steadySince > TimeUnit.MILLISECONDS.toNanos(300)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the partitions were not spread over the nodes within 120 s");
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, long millis, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + millis + " ms for " + what);
      }
      Thread.sleep(5);
    }
  }

  private BenchChild start(String node, int partitions, boolean hold) {
    List<String> args = new ArrayList<>(List.of("--store", storeUri,
        "-P", "table-prefix=" + tablePrefix + partitions + "_", "--source", sourceUrl,
        "--partitions", Integer.toString(partitions), "--node", node,
        "--lease-seconds", Integer.toString(leaseSeconds), "--until", Integer.toString(events),
        "--batch-size", Integer.toString(batchSize),
        "--handler-wait-micros", Integer.toString(handlerWaitMicros)));
    if (hold) {
      args.add("--hold");
    }
    return BenchChild.start(node, jvmOptions, args, out);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
