package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.order;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.tck.StoreFixtures;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * The store answers NOSCRIPT (a restarted server, SCRIPT FLUSH) by sending the script whole. Flushing
 * the script cache of a shared server would disturb other clients, so a client that answers every
 * EVALSHA with NOSCRIPT stands in for a server that forgot its scripts.
 */
class ScriptCacheTest {

  private final String prefix = RedisTestServer.uniquePrefix();

  @AfterEach
  void deleteData() {
    RedisTestServer.deleteKeys(prefix);
  }

  @Test
  void aServerWithoutTheScriptsIsSentThemWhole() {
    AtomicInteger evals = new AtomicInteger();
    try (UnifiedJedis forgetful = new UnifiedJedis(new PooledConnectionProvider(
        RedisTestServer.hostAndPort(), RedisTestServer.clientConfig()), 1, Duration.ofSeconds(5)) {
      @Override
      public Object evalsha(byte[] sha1, List<byte[]> keys, List<byte[]> args) {
        throw new JedisNoScriptException("NOSCRIPT No matching script. Please use EVAL.");
      }

      @Override
      public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args) {
        evals.incrementAndGet();
        return super.eval(script, keys, args);
      }
    }) {
      RedisProjectionStore store = RedisProjectionStore.create(forgetful,
          RedisStoreOptions.builder().keyPrefix(prefix).build());
      store.prepareReadModel(RedisProjectionStoreTest.ORDERS);
      long token = store.claimWriter("p1");
      store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c1", 1)))));

      assertThat(store.findByIndex("orders", "status", "NEW")).hasSize(1);
      assertThat(evals).as("scripts sent whole").hasValue(5);
    }
  }
}
