package io.orchestrix.projection.examples;

import io.orchestrix.projection.tck.TestServers;
import java.nio.file.Path;
import java.util.Map;

/** The blue/green kill contract with the projection in MariaDB (the events in PostgreSQL). */
class MariaDbBlueGreenKillTest extends BlueGreenKillContract {

  @Override
  Store freshStore(Path directory) {
    return new Store(TestServers.require(TestServers.Server.MARIADB),
        Map.of("table-prefix", JdbcClusters.uniquePrefix()));
  }

  @Override
  void cleanUp(Store store) throws Exception {
    JdbcClusters.dropTables(store.uri(), store.properties().get("table-prefix"));
  }
}
