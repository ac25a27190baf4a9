package io.orchestrix.projection.examples;

import io.orchestrix.projection.tck.TestServers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The multi-node contract in child JVMs on PostgreSQL, projection store and event store in one
 * database; {@link PostgresNodeFailuresTest} adds pauses, joins and killed connections.
 */
class PostgresMultiNodeTest extends MultiNodeContract {

  private final List<String> prefixes = new ArrayList<>();
  private String url = "";

  @Override
  MultiNodeCluster cluster(int events) {
    url = TestServers.require(TestServers.Server.POSTGRES);
    String prefix = JdbcClusters.uniquePrefix();
    prefixes.add(prefix);
    return JdbcClusters.cluster(url, prefix, events, PARTITIONS, LEASE_SECONDS);
  }

  @AfterEach
  void dropTables() throws Exception {
    for (String prefix : prefixes) {
      JdbcClusters.dropTables(url, prefix);
    }
  }
}
