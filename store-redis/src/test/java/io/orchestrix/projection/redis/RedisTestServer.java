package io.orchestrix.projection.redis;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis server the store's own tests use: {@code PROJECTION_TEST_REDIS_URL}, else the local
 * {@code redis://127.0.0.1:6379}. Each test works under its own key prefix and deletes its keys
 * afterwards, because other test runs share the server (never FLUSHDB).
 */
final class RedisTestServer {

  static final String URL = System.getenv().getOrDefault("PROJECTION_TEST_REDIS_URL",
      "redis://127.0.0.1:6379");

  private RedisTestServer() {}

  static String uniquePrefix() {
    return "orchestrix-test:" + UUID.randomUUID() + ":";
  }

  static RedisProjectionStore open(String prefix) {
    return RedisProjectionStore.open(URL, Map.of(RedisStoreProperties.KEY_PREFIX, prefix));
  }

  static RedisClient rawClient() {
    return RedisClient.create(URI.create(URL));
  }

  static List<String> keys(RedisClient client, String prefix) {
    List<String> keys = new ArrayList<>();
    ScanParams params = new ScanParams().match(prefix.replace("*", "\\*") + "*").count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = client.scan(cursor, params);
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }

  static void deleteKeys(String prefix) {
    try (RedisClient client = rawClient()) {
      List<String> keys = keys(client, prefix);
      for (int i = 0; i < keys.size(); i += 500) {
        client.unlink(keys.subList(i, Math.min(i + 500, keys.size())).toArray(String[]::new));
      }
    }
  }
}
