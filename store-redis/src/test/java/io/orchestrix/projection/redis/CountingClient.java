package io.orchestrix.projection.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;

/** A client of the test server that counts the commands the store sends (each is one round trip). */
final class CountingClient extends UnifiedJedis {

  final AtomicInteger commands = new AtomicInteger();

  CountingClient() {
    super(new PooledConnectionProvider(RedisTestServer.hostAndPort(),
        RedisTestServer.clientConfig()), 1, Duration.ofSeconds(5));
  }

  @Override
  public Object evalsha(byte[] sha1, List<byte[]> keys, List<byte[]> args) {
    commands.incrementAndGet();
    return super.evalsha(sha1, keys, args);
  }

  @Override
  public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args) {
    commands.incrementAndGet();
    return super.eval(script, keys, args);
  }

  @Override
  public byte[] hget(byte[] key, byte[] field) {
    commands.incrementAndGet();
    return super.hget(key, field);
  }

  @Override
  public List<byte[]> hmget(byte[] key, byte[]... fields) {
    commands.incrementAndGet();
    return super.hmget(key, fields);
  }

  @Override
  public long hlen(String key) {
    commands.incrementAndGet();
    return super.hlen(key);
  }

  @Override
  public Map<String, String> hgetAll(String key) {
    commands.incrementAndGet();
    return super.hgetAll(key);
  }
}
