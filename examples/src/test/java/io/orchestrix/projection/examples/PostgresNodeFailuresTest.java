package io.orchestrix.projection.examples;

import static io.orchestrix.projection.examples.MultiNodeContract.LEASE_SECONDS;
import static io.orchestrix.projection.examples.MultiNodeContract.PARTITIONS;
import static io.orchestrix.projection.examples.MultiNodeContract.RUN_TIMEOUT;
import static io.orchestrix.projection.examples.MultiNodeContract.awaitAWorkingNode;
import static io.orchestrix.projection.examples.MultiNodeContract.awaitTakeover;
import static io.orchestrix.projection.examples.MultiNodeContract.startNodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.tck.TestServers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes in child JVMs on PostgreSQL that pause past their lease, join mid-run, or lose their
 * connections: in each case every partition ends at the head with the read model of a single node
 * (see {@link MultiNodeContract} for what the digest proves about exactly once).
 */
class PostgresNodeFailuresTest {

  private static final int EVENTS = 20_000;
  private static final String NODE_APPLICATION = "multinode-follow";
  /** The environment variable naming the command that restarts the PostgreSQL server under test. */
  static final String RESTART_VARIABLE = "PROJECTION_TEST_POSTGRES_RESTART";

  private String url = "";
  private String prefix = "";

  @BeforeEach
  void database() {
    url = TestServers.require(TestServers.Server.POSTGRES);
    prefix = JdbcClusters.uniquePrefix();
  }

  @AfterEach
  void dropTables() throws Exception {
    JdbcClusters.dropTables(url, prefix);
  }

  private MultiNodeCluster cluster() {
    return JdbcClusters.cluster(url, prefix, EVENTS, PARTITIONS, LEASE_SECONDS);
  }

  @Test
  void aNodePausedPastItsLeaseIsFencedAndCommitsNothingAfterItResumes() throws Exception {
    try (MultiNodeCluster cluster = cluster();
         PartitionWatcher watcher = new PartitionWatcher(cluster)) {
      cluster.appendUpTo(EVENTS / 2);
      List<NodeProcess> nodes = startNodes(cluster, "n1", "n2", "n3");
      NodeProcess paused = awaitAWorkingNode(cluster, nodes);
      List<Integer> itsPartitions = cluster.ownedBy(paused.name());
      CompletableFuture<Void> rest = cluster.appendRestAsync();

      Instant stopping = Instant.now();
      paused.suspend();
      Instant stopped = Instant.now();
      // the others can take its partitions only once its leases have expired: paused past them
      Duration takeover = awaitTakeover(cluster, watcher, itsPartitions, stopped, paused.name())
          .plus(Duration.between(stopping, stopped));
      Instant resumed = Instant.now();
      paused.resume();
      System.out.printf("SIGSTOP of %s for %d ms: its partitions %s leased by others after %d ms,"
              + " committed by them after %d ms%n", paused.name(),
          Duration.between(stopping, resumed).toMillis(), itsPartitions,
          MultiNodeContract.leasedAfter(watcher, itsPartitions, stopped, paused.name())
              .plus(Duration.between(stopping, stopped)).toMillis(),
          takeover.toMillis());

      // once resumed it finds its leases taken and says so: it owns none (the others may finish
      // first) or, where rebalancing gives it a share at once, a new set, never the old one
      NodeProcess.Line noticed = awaitFirstPartitionsLine(paused, resumed);
      rest.get(2, TimeUnit.MINUTES);
      for (NodeProcess node : nodes) {
        cluster.assertFinishedWithTheReferenceDigest(node, RUN_TIMEOUT);
      }
      cluster.assertEveryPartitionAtTheHeadWithTheReferenceDigest();
      assertThat(watcher.samples()).as("from its resume until it noticed, %s owned nothing",
              paused.name())
          .noneMatch(s -> s.seenAt().isAfter(resumed) && s.seenAt().isBefore(noticed.at())
              && s.owner().equals(paused.name()));
      assertThat(watcher.samples()).as("no state prepared before the pause was committed after it")
          .noneMatch(s -> s.seenAt().isAfter(resumed) && s.committedAt().isBefore(stopping));
      assertThat(watcher.checkpointsMovedBack()).as("a stale commit would move one back").isEmpty();
      // a status line comes once a second, so one falls inside the standby only if it lasts that long
      // (the others may finish and leave their partitions to it sooner); any that does says STANDBY
      if (noticed.text().equals("partitions   this node owns [] of 4")) {
        List<String> after = paused.linesAfter(resumed);
        int gaveUp = after.indexOf(noticed.text());
        int tookAgain = after.subList(gaveUp + 1, after.size()).stream()
            .filter(line -> line.startsWith("partitions")).findFirst()
            .map(line -> after.subList(gaveUp + 1, after.size()).indexOf(line) + gaveUp + 1)
            .orElse(after.size());
        // unless it ends by stopping at --until, whose last status line says STOPPED
        List<String> standby = after.subList(gaveUp, tookAgain).stream()
            .takeWhile(line -> !(line.startsWith("status") && line.contains("  STOPPED  ")))
            .toList();
        assertThat(standby).as(paused.output())
            .filteredOn(line -> line.startsWith("status")).allMatch(line -> line.contains("STANDBY"));
        if (standby.size() < tookAgain - gaveUp) {
          assertThat(after.get(gaveUp + standby.size() + 1)).as(paused.output())
              .startsWith("stopped      at checkpoint " + String.format(Locale.ROOT, "%,d", EVENTS));
        }
      }
    }
  }

  /**
   * The first line a resumed node prints about its partitions, which must not list those it owned
   * when paused (others have taken them); fails with the node's output if none comes.
   */
  private static NodeProcess.Line awaitFirstPartitionsLine(NodeProcess node, Instant resumed) {
    List<String> before = node.lines().stream().filter(line -> !line.at().isAfter(resumed))
        .map(NodeProcess.Line::text).filter(text -> text.startsWith("partitions")).toList();
    try {
      await("a partitions line of the resumed node").atMost(RUN_TIMEOUT)
          .until(() -> firstPartitionsLine(node, resumed) != null || !node.isAlive());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the resumed node never said its partitions changed:\n"
          + node.output(), e);
    }
    NodeProcess.Line first = firstPartitionsLine(node, resumed);
    assertThat(first).as("the resumed node ended without saying its partitions changed:%n%s",
        node.output()).isNotNull();
    assertThat(first.text()).as(node.output())
        .isNotEqualTo(before.isEmpty() ? "" : before.get(before.size() - 1));
    return first;
  }

  private static NodeProcess.Line firstPartitionsLine(NodeProcess node, Instant after) {
    return node.lines().stream().filter(line -> line.at().isAfter(after)
        && line.text().startsWith("partitions   this node owns")).findFirst().orElse(null);
  }

  @Test
  void aNodeJoiningMidRunTakesItsShareAndStatusListsPartitionsAndNodes() throws Exception {
    try (MultiNodeCluster cluster = cluster()) {
      cluster.appendUpTo(EVENTS / 2);
      NodeProcess first = startNodes(cluster, "n1").get(0);
      await("n1 owns every partition").atMost(RUN_TIMEOUT)
          .until(() -> cluster.ownedBy("n1").size() == PARTITIONS);

      NodeProcess joining = startNodes(cluster, "n2").get(0);
      await("the partitions rebalance").atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(50))
          .until(() -> cluster.ownedBy("n1").size() == 2 && cluster.ownedBy("n2").size() == 2);

      CliRun status = CliRun.of(MultiNodeContract.concat("status", cluster.storeArguments()));
      assertThat(status.exitCode()).as(status.errors()).isZero();
      assertThat(status.output().lines().filter(line -> line.startsWith("partition ")))
          .as(status.output()).hasSize(PARTITIONS)
          .allMatch(line -> line.matches("partition \\d +position [\\d,]+  healthy  owner n[12]"
              + "  lease expires .+"));
      assertThat(status.output()).contains("node         n1  heartbeat until ")
          .contains("node         n2  heartbeat until ");
      assertThat(first.output()).contains("partitions   this node owns [0, 1, 2, 3] of 4")
          .containsPattern("partitions   this node owns \\[\\d, \\d\\] of 4");

      cluster.appendRestAsync().get(2, TimeUnit.MINUTES);
      cluster.assertFinishedWithTheReferenceDigest(first, RUN_TIMEOUT);
      cluster.assertFinishedWithTheReferenceDigest(joining, RUN_TIMEOUT);
      cluster.assertEveryPartitionAtTheHeadWithTheReferenceDigest();
    }
  }

  @Test
  void nodesWhoseConnectionsAreTerminatedMidRunRecoverAndFinish() throws Exception {
    // the nodes name themselves to the server, so that only their connections are terminated
    MultiNodeCluster.Stores nodeStores =
        JdbcClusters.stores(url + (url.contains("?") ? "&" : "?") + "ApplicationName="
            + NODE_APPLICATION, prefix);
    try (MultiNodeCluster cluster = new MultiNodeCluster(JdbcClusters.stores(url, prefix),
        nodeStores, EVENTS, PARTITIONS, LEASE_SECONDS)) {
      // half now, the rest after the first termination: the nodes cannot finish (and leave their
      // partitions) before the test has seen them working
      cluster.appendUpTo(EVENTS / 2);
      List<NodeProcess> nodes = startNodes(cluster, "n1", "n2");
      awaitAWorkingNode(cluster, nodes);

      int terminated = terminateOtherBackends();
      long firstRound = minimumPosition(cluster);
      cluster.appendRestAsync().get(2, TimeUnit.MINUTES);
      await("progress after the connections were terminated").atMost(RUN_TIMEOUT)
          .until(() -> minimumPosition(cluster) > firstRound || !anyAlive(nodes));
      terminated += terminateOtherBackends();
      System.out.printf("terminated %d backends of %s, the first time with the projection at %d"
          + " of %d%n", terminated, url, firstRound, EVENTS);

      for (NodeProcess node : nodes) {
        cluster.assertFinishedWithTheReferenceDigest(node, RUN_TIMEOUT);
      }
      assertThat(terminated).isPositive();
      cluster.assertEveryPartitionAtTheHeadWithTheReferenceDigest();
    }
  }

  /**
   * The server itself restarted while two nodes follow: every connection ends, and new ones are
   * refused until it is back. Restarting a shared server would break everyone else's sessions, so
   * the test runs only where {@value #RESTART_VARIABLE} names the command that restarts the server of
   * the test URL ({@code .ci/run} sets it); under CI it must be set.
   */
  @Test
  void nodesRecoverFromARestartOfTheServerAndFinish() throws Exception {
    String restart = System.getenv(RESTART_VARIABLE);
    if (restart == null || restart.isBlank()) {
      if (Boolean.parseBoolean(System.getenv(TestServers.CI_VARIABLE))) {
        throw new IllegalStateException("CI=true but " + RESTART_VARIABLE + " is not set: CI must"
            + " restart PostgreSQL under running nodes");
      }
      Assumptions.abort("set " + RESTART_VARIABLE + " to the command that restarts the server of "
          + url + " to run this test");
    }
    try (MultiNodeCluster cluster = cluster()) {
      cluster.appendUpTo(EVENTS / 2);
      List<NodeProcess> nodes = startNodes(cluster, "n1", "n2");
      awaitAWorkingNode(cluster, nodes);
      long before = minimumPosition(cluster);

      Instant restarting = Instant.now();
      Process restarted = new ProcessBuilder("sh", "-c", restart).redirectErrorStream(true).start();
      assertThat(restarted.waitFor(2, TimeUnit.MINUTES)).as("the restart ended").isTrue();
      String said = new String(restarted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(restarted.exitValue()).as("%s said: %s", restart, said).isZero();
      System.out.printf("restarted PostgreSQL in %d ms with the projection at %d of %d%n",
          Duration.between(restarting, Instant.now()).toMillis(), before, EVENTS);

      // the second half is appended after the restart: the nodes must reconnect, hear of it and apply it
      cluster.appendRestAsync().get(2, TimeUnit.MINUTES);
      for (NodeProcess node : nodes) {
        cluster.assertFinishedWithTheReferenceDigest(node, RUN_TIMEOUT);
      }
      cluster.assertEveryPartitionAtTheHeadWithTheReferenceDigest();
    }
  }

  private static boolean anyAlive(List<NodeProcess> nodes) {
    return nodes.stream().anyMatch(NodeProcess::isAlive);
  }

  private static long minimumPosition(MultiNodeCluster cluster) {
    long minimum = Long.MAX_VALUE;
    for (int partition = 0; partition < cluster.partitions(); partition++) {
      minimum = Math.min(minimum, cluster.position(partition));
    }
    return minimum;
  }

  /**
   * {@code pg_terminate_backend} of the nodes' connections to this test's own database (never the
   * server's other databases, which other people use); returns how many.
   */
  private int terminateOtherBackends() throws Exception {
    try (Connection connection = DriverManager.getConnection(url);
         Statement statement = connection.createStatement();
         ResultSet killed = statement.executeQuery("SELECT count(*) FILTER (WHERE"
             + " pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
             + " AND application_name = '" + NODE_APPLICATION + "'")) {
      killed.next();
      return killed.getInt(1);
    }
  }
}
