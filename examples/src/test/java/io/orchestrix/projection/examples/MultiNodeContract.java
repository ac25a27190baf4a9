package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every store that keeps leases must do with several {@code follow} nodes in child JVMs on one
 * projection of {@value #PARTITIONS} partitions: share the work, survive a {@code SIGKILL}ed node, and
 * end with the read model of a single-node run. A store's test says how to make a cluster on a fresh
 * store.
 *
 * <p>Exactly once: the nodes run with {@code --count-applied}, which keeps a counting read model
 * ({@code AppliedEvents}): at the end every order must count exactly its five events. The standard
 * workload's digest checks the same from another side: it covers each order's item count and total,
 * so an {@code ItemAdded} applied twice (or lost) changes it.
 *
 * <p>The run appends half the workload, starts the nodes, waits for their heartbeats, and appends the
 * rest while they follow, so a node is killed while work remains whatever the machine's speed.
 */
abstract class MultiNodeContract {

  static final int EVENTS = 20_000;
  static final int PARTITIONS = 4;
  static final int LEASE_SECONDS = 2;
  /** How long a node may take to start, catch up and stop on a loaded machine. */
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  /** What a takeover may take beyond the lease time on a loaded machine (2 cores, other builds). */
  static final Duration TAKEOVER_MARGIN = Duration.ofSeconds(10);

  /** A cluster of {@value #PARTITIONS} partitions on a fresh, empty store and event store. */
  abstract MultiNodeCluster cluster(int events);

  /** What a takeover may take beyond the lease time. */
  Duration takeoverMargin() {
    return TAKEOVER_MARGIN;
  }

  /** The events of a run: fewer for a store that is slow on this machine. */
  int events() {
    return EVENTS;
  }

  @Test
  void threeNodesShareThePartitionsAndEndWithTheReadModelOfASingleNode() throws Exception {
    try (MultiNodeCluster cluster = cluster(events())) {
      cluster.appendUpTo(cluster.events() / 2);
      List<NodeProcess> nodes = startNodes(cluster, "n1", "n2", "n3");
      cluster.appendRestAsync().get(2, TimeUnit.MINUTES);

      for (NodeProcess node : nodes) {
        cluster.assertFinishedWithTheReferenceDigest(node, RUN_TIMEOUT);
      }
      cluster.assertEveryPartitionAtTheHeadWithTheReferenceDigest();
      List<String> working = nodes.stream().filter(node -> node.output().lines()
          .anyMatch(line -> line.startsWith("partitions   this node owns [")
              && !line.contains("owns []"))).map(NodeProcess::name).toList();
      assertThat(working).as("nodes that owned partitions").hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void theOthersTakeTheKilledNodesPartitionsWithinTheLeaseTimeAndFinishIt() throws Exception {
    try (MultiNodeCluster cluster = cluster(events());
         PartitionWatcher watcher = new PartitionWatcher(cluster)) {
      cluster.appendUpTo(cluster.events() / 2);
      List<NodeProcess> nodes = startNodes(cluster, "n1", "n2", "n3");
      NodeProcess victim = awaitAWorkingNode(cluster, nodes);
      List<Integer> victimsPartitions = cluster.ownedBy(victim.name());

      CompletableFuture<Void> rest = cluster.appendRestAsync();
      Instant killing = Instant.now();
      Instant killed = victim.kill();

      // commits written after the victim was seen dead are the new owners'; the time is counted
      // from before the signal, so a loaded machine can make it longer, never shorter
      Duration takeover = awaitTakeover(cluster, watcher, victimsPartitions, killed,
          victim.name()).plus(Duration.between(killing, killed));
      System.out.printf("%s: SIGKILL of %s: its partitions %s leased by others after %d ms,"
              + " committed by them after %d ms (lease %d s)%n", getClass().getSimpleName(),
          victim.name(), victimsPartitions,
          leasedAfter(watcher, victimsPartitions, killed, victim.name())
              .plus(Duration.between(killing, killed)).toMillis(),
          takeover.toMillis(), LEASE_SECONDS);
      assertThat(takeover).isLessThan(cluster.leaseTime().plus(takeoverMargin()));
      rest.get(2, TimeUnit.MINUTES);
      for (NodeProcess node : nodes) {
        if (node != victim) {
          cluster.assertFinishedWithTheReferenceDigest(node, RUN_TIMEOUT);
        }
      }
      cluster.assertEveryPartitionAtTheHeadWithTheReferenceDigest();
      assertThat(watcher.checkpointsMovedBack()).isEmpty();
    }
  }

  /** A command and its arguments, for {@link CliRun#of}. */
  static String[] concat(String command, List<String> arguments) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(arguments);
    return all.toArray(String[]::new);
  }

  /** The longest time from the instant until another node held each of the partitions' leases. */
  static Duration leasedAfter(PartitionWatcher watcher, List<Integer> partitions, Instant from,
      String formerOwner) {
    return partitions.stream()
        .map(p -> watcher.firstOwnedByAnotherAfter(p, from, formerOwner).orElseThrow())
        .max(Duration::compareTo).orElseThrow();
  }

  /** Starts the nodes and waits until each has its heartbeat in the store. */
  static List<NodeProcess> startNodes(MultiNodeCluster cluster, String... names) {
    List<NodeProcess> nodes = new ArrayList<>();
    for (String name : names) {
      nodes.add(cluster.startNode(name));
    }
    awaitHeartbeats(cluster, names);
    return nodes;
  }

  static void awaitHeartbeats(MultiNodeCluster cluster, String... names) {
    await("heartbeats of " + List.of(names)).atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.store().leases(MultiNodeCluster.PROJECTION + "#nodes").stream()
            .filter(lease -> !lease.expired()).map(Lease::owner).toList(),
            live -> live.containsAll(List.of(names)));
  }

  /**
   * Waits until every partition is owned and no node holds more than its fair share, and returns
   * the owner of a partition that has committed.
   */
  static NodeProcess awaitAWorkingNode(MultiNodeCluster cluster, List<NodeProcess> nodes) {
    long share = (cluster.partitions() + nodes.size() - 1) / nodes.size();
    String owner = await("a node owning a partition it has committed").atMost(RUN_TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> {
          Map<Integer, String> owners = cluster.owners();
          if (owners.size() < cluster.partitions() || owners.values().stream()
              .collect(Collectors.groupingBy(node -> node, Collectors.counting())).values()
              .stream().anyMatch(owned -> owned > share)) {
            return null;
          }
          for (Map.Entry<Integer, String> entry : owners.entrySet()) {
            if (cluster.position(entry.getKey()) > 0) {
              return entry.getValue();
            }
          }
          return null;
        }, found -> found != null);
    return nodes.stream().filter(node -> node.name().equals(owner)).findFirst().orElseThrow();
  }

  /**
   * Waits until each of the partitions has a commit by another node written after the instant, and
   * returns the longest time from the instant to such a first commit.
   */
  static Duration awaitTakeover(MultiNodeCluster cluster, PartitionWatcher watcher,
      List<Integer> partitions, Instant from, String formerOwner) {
    try {
      await("commits by new owners of " + partitions).atMost(RUN_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> partitions.stream()
              .allMatch(p -> watcher.firstCommitAfter(p, from, formerOwner).isPresent()));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; from " + from + " the partitions were:\n"
          + String.join("\n", watcher.samples().stream().map(Object::toString).toList())
          + cluster.outputs(), e);
    }
    return partitions.stream()
        .map(p -> watcher.firstCommitAfter(p, from, formerOwner).orElseThrow())
        .max(Duration::compareTo).orElseThrow();
  }
}
