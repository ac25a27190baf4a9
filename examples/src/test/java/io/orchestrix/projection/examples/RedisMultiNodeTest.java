package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.orchestrix.projection.tck.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The multi-node contract in child JVMs with the projection in Redis (keys of a prefix of this test's
 * own, in the test's own database), the events in an H2 file served by this JVM (see
 * {@link H2MultiNodeTest}); and the nodes' connections killed mid-run ({@code CLIENT KILL} of the
 * clients of this test's database only: the server is shared and never restarted).
 */
class RedisMultiNodeTest extends MultiNodeContract {

  @TempDir
  Path directory;

  private final List<String> prefixes = new ArrayList<>();
  private final List<Connection> eventFiles = new ArrayList<>();
  private String url = "";

  @Override
  MultiNodeCluster cluster(int events) {
    url = TestServers.require(TestServers.Server.REDIS);
    String prefix = "mn" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + ":";
    prefixes.add(prefix);
    String source = "jdbc:h2:file:" + directory.resolve("events" + eventFiles.size())
        .toAbsolutePath() + ";AUTO_SERVER=TRUE";
    try {
      eventFiles.add(DriverManager.getConnection(source));
    } catch (SQLException e) {
      throw new IllegalStateException("opening " + source, e);
    }
    return new MultiNodeCluster(new MultiNodeCluster.Stores(url, Map.of("key-prefix", prefix),
        source, Map.of()), events, PARTITIONS, LEASE_SECONDS);
  }

  @Test
  void nodesWhoseConnectionsAreKilledMidRunRecoverAndFinish() throws Exception {
    try (MultiNodeCluster cluster = cluster(events())) {
      ownDatabase();
      cluster.appendUpTo(cluster.events());
      List<NodeProcess> nodes = startNodes(cluster, "n1", "n2");
      awaitAWorkingNode(cluster, nodes);

      int killed = killClientsOfTheDatabase();
      long firstRound = minimumPosition(cluster);
      await("progress after the clients were killed").atMost(RUN_TIMEOUT).ignoreExceptions()
          .until(() -> minimumPosition(cluster) > firstRound
              || nodes.stream().noneMatch(NodeProcess::isAlive));
      killed += killClientsOfTheDatabase();
      System.out.printf("killed %d clients of %s, the first time with the projection at %d of"
          + " %d%n", killed, url, firstRound, cluster.events());

      for (NodeProcess node : nodes) {
        cluster.assertFinishedWithTheReferenceDigest(node, RUN_TIMEOUT);
      }
      assertThat(killed).isPositive();
      // this JVM's own connections were killed too: the first reads may find them gone
      await().atMost(RUN_TIMEOUT).ignoreExceptions()
          .until(() -> minimumPosition(cluster) == cluster.events());
      cluster.assertEveryPartitionAtTheHeadWithTheReferenceDigest();
    }
  }

  private static long minimumPosition(MultiNodeCluster cluster) {
    long minimum = Long.MAX_VALUE;
    for (int partition = 0; partition < cluster.partitions(); partition++) {
      minimum = Math.min(minimum, cluster.position(partition));
    }
    return minimum;
  }

  /**
   * {@code CLIENT KILL} of every other client whose database is this test's; returns how many. The
   * database is read from the URL, and must not be 0, the one every other user of the server shares.
   */
  private int killClientsOfTheDatabase() {
    String database = ownDatabase();
    try (Jedis admin = new Jedis(URI.create(url))) {
      long own = admin.clientId();
      int killed = 0;
      for (String client : admin.clientList().split("\n")) {
        Map<String, String> fields = fields(client);
        if (database.equals(fields.get("db"))
            && !String.valueOf(own).equals(fields.get("id"))) {
          killed += admin.clientKill(new ClientKillParams()
              .id(fields.get("id"))) > 0 ? 1 : 0;
        }
      }
      return killed;
    }
  }

  private String ownDatabase() {
    String path = URI.create(url).getPath();
    String database = path == null ? "" : path.replace("/", "");
    assumeTrue(!database.isEmpty() && !database.equals("0"), "killing clients needs a Redis"
        + " database of this test's own in " + TestServers.Server.REDIS.environmentVariable()
        + " (such as redis://127.0.0.1:6379/8), not " + url);
    return database;
  }

  private static Map<String, String> fields(String client) {
    Map<String, String> fields = new HashMap<>();
    for (String field : client.trim().split(" ")) {
      int equals = field.indexOf('=');
      if (equals > 0) {
        fields.put(field.substring(0, equals), field.substring(equals + 1));
      }
    }
    return fields;
  }

  @AfterEach
  void removeKeys() throws SQLException {
    if (!url.isEmpty()) {
      try (Jedis jedis = new Jedis(URI.create(url))) {
        for (String prefix : prefixes) {
          String cursor = ScanParams.SCAN_POINTER_START;
          do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + "*")
                .count(1000));
            if (!page.getResult().isEmpty()) {
              jedis.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
          } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
      }
    }
    for (Connection file : eventFiles) {
      file.close();
    }
  }
}
