package io.orchestrix.projection.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * A pooled client of a redis-server of the test's own that, when armed, has its connections killed
 * with {@code CLIENT KILL} as the store's next direct read (HGETALL, HGET, HMGET, HLEN) begins: the
 * read then goes out on a connection the server has closed, as one killed in the middle of the call.
 * Scripts are killed on the server itself while it holds them (see {@link ServerAdmin}); a direct
 * read is too quick for that.
 */
final class KillingClient extends UnifiedJedis {

  private final ServerAdmin admin;
  private final String name;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger killed = new AtomicInteger();

  KillingClient(PrivateRedisServer server, ServerAdmin admin, String name) {
    super(new PooledConnectionProvider(new HostAndPort("127.0.0.1", server.port),
        DefaultJedisClientConfig.builder().clientName(name).build()), 1, Duration.ofSeconds(5));
    this.admin = admin;
    this.name = name;
  }

  void killAsTheNextReadBegins() {
    armed.set(true);
  }

  /** How many connections were killed. */
  int killed() {
    return killed.get();
  }

  private void killIfArmed() {
    if (armed.compareAndSet(true, false)) {
      killed.addAndGet(admin.killAll(name));
    }
  }

  @Override
  public Map<String, String> hgetAll(String key) {
    killIfArmed();
    return super.hgetAll(key);
  }

  @Override
  public byte[] hget(byte[] key, byte[] field) {
    killIfArmed();
    return super.hget(key, field);
  }

  @Override
  public List<byte[]> hmget(byte[] key, byte[]... fields) {
    killIfArmed();
    return super.hmget(key, fields);
  }

  @Override
  public long hlen(String key) {
    killIfArmed();
    return super.hlen(key);
  }
}
