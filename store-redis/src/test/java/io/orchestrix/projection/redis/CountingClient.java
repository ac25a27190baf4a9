package io.orchestrix.projection.redis;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;

/** A client that counts the commands the store sends through it (each is one round trip). */
final class CountingClient extends UnifiedJedis {

  final AtomicInteger commands = new AtomicInteger();

  CountingClient(String url) {
    super(new PooledConnectionProvider(hostAndPort(url), DefaultJedisClientConfig.builder().build()),
        1, Duration.ofSeconds(5));
  }

  private static HostAndPort hostAndPort(String url) {
    URI uri = URI.create(url);
    return new HostAndPort(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort());
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
