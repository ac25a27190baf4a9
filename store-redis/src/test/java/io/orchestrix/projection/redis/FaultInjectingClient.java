package io.orchestrix.projection.redis;

import io.orchestrix.projection.redis.internal.LuaScript;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * A client of the test server whose commits (the store's only writes to read models: each is one
 * EVALSHA of the commit script, or one EVAL when the server lacks it) reach the server {@code writes}
 * times; later ones fail before anything is sent, as if the connection had dropped. For the contract
 * kit's atomicity tests.
 */
final class FaultInjectingClient extends UnifiedJedis {

  private static final byte[] COMMIT_SHA1 =
      LuaScript.COMMIT.sha1().getBytes(StandardCharsets.UTF_8);

  private int writesLeft;

  FaultInjectingClient(int writes) {
    super(new PooledConnectionProvider(RedisTestServer.hostAndPort(),
        RedisTestServer.clientConfig()), 1, Duration.ofSeconds(5));
    this.writesLeft = writes;
  }

  @Override
  public Object evalsha(byte[] sha1, List<byte[]> keys, List<byte[]> args) {
    if (Arrays.equals(sha1, COMMIT_SHA1)) {
      spendWrite();
    }
    return super.evalsha(sha1, keys, args);
  }

  @Override
  public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args) {
    if (Arrays.equals(sha1(script), COMMIT_SHA1)) {
      spendWrite();
    }
    return super.eval(script, keys, args);
  }

  private static byte[] sha1(byte[] script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script))
          .getBytes(StandardCharsets.UTF_8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private synchronized void spendWrite() {
    if (writesLeft == 0) {
      throw new JedisConnectionException("connection dropped (injected by the test)");
    }
    writesLeft--;
  }
}
