package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.examples.workload.AppliedEvents;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Several {@code follow} nodes in child JVMs on one projection store and one JDBC event store, the
 * standard workload appended from this JVM, and what the store says about partitions and leases. Not
 * thread-safe, except {@link #owners()} and {@link #state(int)}; {@link #close()} kills every node
 * still running and closes the store.
 */
final class MultiNodeCluster implements AutoCloseable {

  static final String PROJECTION = WorkloadProjection.PROJECTION_ID;

  private static final Map<Integer, String> REFERENCE_DIGESTS = new ConcurrentHashMap<>();

  /**
   * Where a cluster's projection store and JDBC event store are, as URIs with options; the nodes may
   * be given other URIs to the same stores (a PostgreSQL application name, say).
   */
  record Stores(String storeUri, Map<String, String> storeProperties, String sourceUrl,
      Map<String, String> sourceProperties) {

    /** {@code --store URI -P KEY=VALUE ...}. */
    List<String> storeArguments() {
      List<String> arguments = new ArrayList<>(List.of("--store", storeUri));
      storeProperties.forEach((key, value) -> arguments.addAll(List.of("-P", key + "=" + value)));
      return arguments;
    }

    /** {@code --source URL -S KEY=VALUE ...}. */
    List<String> sourceArguments() {
      List<String> arguments = new ArrayList<>(List.of("--source", sourceUrl));
      sourceProperties.forEach((key, value) -> arguments.addAll(List.of("-S", key + "=" + value)));
      return arguments;
    }
  }

  private final Stores stores;
  private final Stores nodeStores;
  private final int events;
  private final int partitions;
  private final int leaseSeconds;
  private final ProjectionStore store;
  private final List<NodeProcess> nodes = new ArrayList<>();

  /** A cluster whose nodes reach the stores as this JVM does. */
  MultiNodeCluster(Stores stores, int events, int partitions, int leaseSeconds) {
    this(stores, stores, events, partitions, leaseSeconds);
  }

  MultiNodeCluster(Stores stores, Stores nodeStores, int events, int partitions,
      int leaseSeconds) {
    this.stores = stores;
    this.nodeStores = nodeStores;
    this.events = events;
    this.partitions = partitions;
    this.leaseSeconds = leaseSeconds;
    this.store = ProjectionStoreProviders.open(stores.storeUri(), stores.storeProperties());
    // creates the projection store's schema before the nodes race to create it
    CliRun status = CliRun.of(MultiNodeContract.concat("status", stores.storeArguments()));
    assertThat(status.exitCode()).as(status.output() + status.errors()).isZero();
  }

  int events() {
    return events;
  }

  int partitions() {
    return partitions;
  }

  Duration leaseTime() {
    return Duration.ofSeconds(leaseSeconds);
  }

  ProjectionStore store() {
    return store;
  }

  /** {@code --store URI -P ...} as this JVM reaches the store. */
  List<String> storeArguments() {
    return stores.storeArguments();
  }

  /** Starts {@code follow --partitions P --node NAME --lease-seconds S --until N} in a child JVM. */
  NodeProcess startNode(String name) {
    List<String> arguments = new ArrayList<>(List.of("follow"));
    arguments.addAll(nodeStores.storeArguments());
    arguments.addAll(nodeStores.sourceArguments());
    arguments.addAll(List.of("--partitions", String.valueOf(partitions), "--node", name,
        "--lease-seconds", String.valueOf(leaseSeconds), "--until", String.valueOf(events),
        "--batch-size", "200", "--count-applied"));
    NodeProcess node = NodeProcess.start(name, arguments);
    nodes.add(node);
    return node;
  }

  /** Appends the workload's events up to about this position (a transaction boundary at or past it). */
  void appendUpTo(long position) {
    try (JdbcEventStore source = WorkloadEventStore.open(stores.sourceUrl(), stores.sourceProperties())) {
      WorkloadEventStore.append(source, StandardWorkload.of(events), 250, position);
    }
  }

  /** Appends the rest of the workload on another thread. */
  CompletableFuture<Void> appendRestAsync() {
    return CompletableFuture.runAsync(() -> appendUpTo(events));
  }

  /** The partitions whose lease is held, by partition, with their owners. */
  Map<Integer, String> owners() {
    Map<Integer, String> owners = new TreeMap<>();
    for (Lease lease : store.leases(PROJECTION)) {
      if (!lease.expired() && lease.resource().startsWith("p")) {
        owners.put(Integer.parseInt(lease.resource().substring(1)), lease.owner());
      }
    }
    return owners;
  }

  /** The partitions a node holds the lease of. */
  List<Integer> ownedBy(String node) {
    return owners().entrySet().stream().filter(entry -> entry.getValue().equals(node))
        .map(Map.Entry::getKey).toList();
  }

  /** A partition's stored state. */
  Optional<ProjectionState> state(int partition) {
    return store.loadState(ProjectionIds.partitionKey(PROJECTION, partition));
  }

  long position(int partition) {
    return state(partition).map(ProjectionState::lastProcessedPosition).orElse(0L);
  }

  /** The digest line of {@code digest --store}: the read model as the store holds it. */
  String storedDigest() {
    CliRun digest = CliRun.of(MultiNodeContract.concat("digest", stores.storeArguments()));
    assertThat(digest.exitCode()).as(digest.errors()).isZero();
    return digestLine(digest.output());
  }

  /** The digest line of one node, {@code bench --store memory:}, for the same number of events. */
  String referenceDigest() {
    return referenceDigest(events);
  }

  /** The digest line of {@code bench --store memory:} for this many events, computed once. */
  static String referenceDigest(int events) {
    return REFERENCE_DIGESTS.computeIfAbsent(events, n -> {
      CliRun bench = CliRun.of("bench", "--store", "memory:", "--events", String.valueOf(n));
      assertThat(bench.exitCode()).as(bench.output() + bench.errors()).isZero();
      return digestLine(bench.output());
    });
  }

  /**
   * Waits for a node to end by itself, and checks that it reached {@code --until} with the single-node
   * digest.
   */
  void assertFinishedWithTheReferenceDigest(NodeProcess node, Duration timeout)
      throws InterruptedException {
    int exit = node.awaitExit(timeout);
    String output = node.output();
    assertThat(exit).as("exit code of %s; its output:%n%s", node, output).isZero();
    assertThat(output).as(node.name())
        .contains(String.format(java.util.Locale.ROOT, "stopped      at checkpoint %,d: reached"
            + " --until %d", events, events));
    assertThat(digestLine(output)).as("digest printed by %s", node).isEqualTo(referenceDigest());
  }

  /**
   * Every partition's stored checkpoint is the head, the stored read model is the reference, and
   * every order counts each of its events applied once ({@link AppliedEvents}).
   */
  void assertEveryPartitionAtTheHeadWithTheReferenceDigest() {
    for (int partition = 0; partition < partitions; partition++) {
      assertThat(position(partition)).as("checkpoint of partition %d", partition)
          .isEqualTo(events);
    }
    assertThat(storedDigest()).isEqualTo(referenceDigest());
    ProjectionEngine reader =
        WorkloadProjection.countingEngine(store, 1_000, FailurePolicy.stop(), partitions);
    Map<Long, Long> ordersByCount = reader.readModel(AppliedEvents.READ_MODEL).streamAll()
        .collect(Collectors.groupingBy(AppliedEvents::events, Collectors.counting()));
    assertThat(ordersByCount).as("orders by events applied to them")
        .containsExactly(Map.entry((long) StandardWorkload.EVENTS_PER_ORDER,
            (long) events / StandardWorkload.EVENTS_PER_ORDER));
  }

  static String digestLine(String output) {
    List<String> lines = output.lines().filter(l -> l.startsWith("digest")).toList();
    assertThat(lines).as("one digest line in:%n%s", output).hasSize(1);
    return lines.get(0);
  }

  /** Every node's output, for a failure's message. */
  String outputs() {
    StringBuilder text = new StringBuilder();
    for (NodeProcess node : nodes) {
      text.append("\n---- ").append(node).append(node.isAlive() ? ", running" : ", ended")
          .append(":\n").append(node.output());
    }
    return text.toString();
  }

  @Override
  public void close() throws InterruptedException {
    for (NodeProcess node : nodes) {
      node.close();
    }
    store.close();
  }
}
