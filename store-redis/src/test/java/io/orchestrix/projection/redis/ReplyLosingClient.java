package io.orchestrix.projection.redis;

import io.orchestrix.projection.redis.internal.LuaScript;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * A client of a redis-server on 127.0.0.1 that, when armed, lets the server run the next commit and
 * then loses its reply, as a connection that drops after the server answered would.
 */
final class ReplyLosingClient extends UnifiedJedis {

  private static final byte[] COMMIT_SHA1 =
      LuaScript.COMMIT.sha1().getBytes(StandardCharsets.UTF_8);

  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger lost = new AtomicInteger();

  ReplyLosingClient(int port) {
    super(new PooledConnectionProvider(new HostAndPort("127.0.0.1", port),
        DefaultJedisClientConfig.builder().build()), 1, Duration.ofSeconds(5));
  }

  void loseNextCommitReply() {
    armed.set(true);
  }

  int lostReplies() {
    return lost.get();
  }

  @Override
  public Object evalsha(byte[] sha1, List<byte[]> keys, List<byte[]> args) {
    return loseIfArmed(sha1, super.evalsha(sha1, keys, args));
  }

  @Override
  public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args) {
    return loseIfArmed(sha1(script), super.eval(script, keys, args));
  }

  private Object loseIfArmed(byte[] sha1, Object reply) {
    if (Arrays.equals(sha1, COMMIT_SHA1) && armed.compareAndSet(true, false)) {
      lost.incrementAndGet();
      throw new JedisConnectionException("the reply was lost (injected by the test)");
    }
    return reply;
  }

  private static byte[] sha1(byte[] script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script))
          .getBytes(StandardCharsets.UTF_8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
