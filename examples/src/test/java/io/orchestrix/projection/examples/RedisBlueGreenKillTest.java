package io.orchestrix.projection.examples;

import io.orchestrix.projection.tck.TestServers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The blue/green kill contract with the projection in Redis (the events in PostgreSQL). */
class RedisBlueGreenKillTest extends BlueGreenKillContract {

  @Override
  Store freshStore(Path directory) {
    return new Store(TestServers.require(TestServers.Server.REDIS),
        Map.of("key-prefix", JdbcClusters.uniquePrefix().replace('_', ':')));
  }

  @Override
  void cleanUp(Store store) {
    CrossStoreRebuildCommandTest.deleteKeys(List.of(store.properties().get("key-prefix")));
  }
}
