package io.orchestrix.projection.redis;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.tck.ProjectionStoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The whole store contract kit against Redis, each test under its own key prefix. */
class RedisStoreContractTest extends ProjectionStoreContract {

  private final String prefix = RedisTestServer.uniquePrefix();
  private final List<UnifiedJedis> clients = new ArrayList<>();

  @AfterEach
  void deleteData() {
    clients.forEach(UnifiedJedis::close);
    RedisTestServer.deleteKeys(prefix);
  }

  @Override
  protected ProjectionStore openStore() {
    return RedisTestServer.open(prefix);
  }

  /** A store whose commits fail after {@code writes} of them; the kit's read models are prepared on it. */
  @Override
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    UnifiedJedis client = new FaultInjectingClient(writes);
    clients.add(client);
    ProjectionStore store =
        RedisProjectionStore.create(client, RedisStoreOptions.builder().keyPrefix(prefix).build());
    store.prepareReadModel(ORDERS);
    store.prepareReadModel(NOTES);
    return store;
  }

  @Override
  protected void makeStoredSchemaNewerThanCode() {
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.hset(prefix + "meta", Map.of("layout", "999"));
    }
  }
}
