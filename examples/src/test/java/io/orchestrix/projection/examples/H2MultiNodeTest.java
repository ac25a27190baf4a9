package io.orchestrix.projection.examples;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-node contract in child JVMs on one H2 file database, projection store and event store in
 * it. The file is opened with {@code AUTO_SERVER=TRUE}: this JVM opens it first and keeps a connection
 * until the test ends, so it serves the file to the nodes over TCP, and a killed node takes no one's
 * server down with it.
 */
class H2MultiNodeTest extends MultiNodeContract {

  @TempDir
  Path directory;

  private final List<Connection> servers = new ArrayList<>();

  @Override
  MultiNodeCluster cluster(int events) {
    String url = "jdbc:h2:file:" + directory.resolve("cluster" + servers.size()).toAbsolutePath()
        + ";AUTO_SERVER=TRUE";
    try {
      servers.add(DriverManager.getConnection(url));
    } catch (SQLException e) {
      throw new IllegalStateException("opening " + url, e);
    }
    return JdbcClusters.cluster(url, "mn_", events, PARTITIONS, LEASE_SECONDS);
  }

  @AfterEach
  void closeServers() throws SQLException {
    for (Connection server : servers) {
      server.close();
    }
  }
}
