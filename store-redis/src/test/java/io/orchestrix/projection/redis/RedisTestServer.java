package io.orchestrix.projection.redis;

import io.orchestrix.projection.tck.TestServers;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.commands.KeyCommands;
import redis.clients.jedis.util.JedisURIHelper;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis server the store's tests use, found by the kit's {@link TestServers} (the variable
 * {@code PROJECTION_TEST_REDIS_URL}, else what the kit finds; the test is skipped without a server, and
 * fails under {@code CI=true}).
 * Each test works under its own key prefix and deletes its keys afterwards, because other test runs
 * share the server (never FLUSHDB).
 */
final class RedisTestServer {

  private RedisTestServer() {}

  static String url() {
    return TestServers.require(TestServers.Server.REDIS);
  }

  static String uniquePrefix() {
    return "orchestrix-test:" + UUID.randomUUID() + ":";
  }

  static RedisProjectionStore open(String prefix) {
    return RedisProjectionStore.open(url(), Map.of(RedisStoreProperties.KEY_PREFIX, prefix));
  }

  static RedisClient rawClient() {
    return RedisClient.create(URI.create(url()));
  }

  /** The server's host and port, for clients a test builds itself. */
  static HostAndPort hostAndPort() {
    return JedisURIHelper.getHostAndPort(URI.create(url()));
  }

  /** The database and credentials of {@link #url()}, for clients a test builds itself. */
  static JedisClientConfig clientConfig() {
    URI uri = URI.create(url());
    return DefaultJedisClientConfig.builder()
        .database(JedisURIHelper.getDBIndex(uri))
        .user(JedisURIHelper.getUser(uri))
        .password(JedisURIHelper.getPassword(uri))
        .build();
  }

  /** Every key that starts with {@code prefix}, through a pooled client or a single connection. */
  static List<String> keys(KeyCommands client, String prefix) {
    List<String> keys = new ArrayList<>();
    ScanParams params = new ScanParams().match(prefix + "*").count(1000);
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
