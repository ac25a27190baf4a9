package io.orchestrix.projection.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.orchestrix.projection.ProjectionException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Sends the store's commands and scripts through one client. A call whose connection was refused,
 * dropped or timed out (a killed connection, a restarted server, a pooled connection the server
 * closed while it was idle) is sent once more on a fresh connection; for a pool this store owns, the
 * idle connections are dropped first, since a server that killed one has usually killed them all.
 * Every call of the store is safe to send twice: reads and {@code prepareReadModel} are idempotent,
 * a commit is fenced (see {@code CommitWriter}), and a claim that was applied but whose reply was lost
 * only skips a token.
 *
 * <p>A second failure, and any other, propagates as Jedis threw it, for the store's
 * {@code translate}; only a {@code WRONGTYPE} reply is turned into a
 * {@link io.orchestrix.projection.StoreException} here, because only here are the keys known.
 * Thread-safe.
 */
public final class RedisCommands {

  /** One attempt at a call. */
  @FunctionalInterface
  public interface Attempt<T> {
    /**
     * @param again whether an earlier attempt of the same call failed with its connection, so the
     *     server may or may not have run it
     */
    T run(boolean again);
  }

  private final UnifiedJedis jedis;
  private final @Nullable RedisClient owned;
  private final RedisErrors errors;

  private RedisCommands(UnifiedJedis jedis, @Nullable RedisClient owned, RedisErrors errors) {
    this.jedis = jedis;
    this.owned = owned;
    this.errors = errors;
  }

  /**
   * Commands through a pooled client the store opened: after a connection failure the pool's idle
   * connections are dropped, and {@link #close} closes the client.
   */
  public static RedisCommands owning(RedisClient client, RedisErrors errors) {
    return new RedisCommands(client, client, errors);
  }

  /** Commands through a client the application owns, which {@link #close} leaves open. */
  public static RedisCommands borrowing(UnifiedJedis client, RedisErrors errors) {
    return new RedisCommands(client, null, errors);
  }

  /** Closes the client if the store opened it. */
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }

  /** The client. */
  public UnifiedJedis jedis() {
    return jedis;
  }

  /**
   * Runs a call, once more if its connection failed.
   *
   * @param keys the keys the call touches, named if one holds the wrong type
   */
  public <T> T call(List<String> keys, Attempt<T> attempt) {
    try {
      return attempt.run(false);
    } catch (ProjectionException outcome) {
      throw outcome;
    } catch (RuntimeException first) {
      if (!RedisErrors.isConnectionFailure(first)) {
        throw wrongTypeOr(first, keys);
      }
      dropIdleConnections();
      try {
        return attempt.run(true);
      } catch (ProjectionException outcome) {
        throw outcome;
      } catch (RuntimeException second) {
        second.addSuppressed(first);
        throw wrongTypeOr(second, keys);
      }
    }
  }

  /**
   * Runs a script through {@link #call} and returns its reply, a list starting with {@code ok}.
   *
   * @throws io.orchestrix.projection.StoreException if the script found a key of the wrong type or
   *     gave a reply this code does not know
   */
  public List<?> script(LuaScript script, List<String> keys, List<byte[]> args) {
    List<byte[]> keyBytes = new ArrayList<>(keys.size());
    keys.forEach(key -> keyBytes.add(key.getBytes(UTF_8)));
    return expectOk(script, call(keys, again -> script.run(jedis, keyBytes, args)));
  }

  /**
   * A script's reply, checked: {@code {'ok', ...}}, or {@code {'wrongtype', key, found, expected}}
   * (a key of another type than the store keeps there), which is refused.
   */
  public List<?> expectOk(LuaScript script, Object reply) {
    List<?> list = (List<?>) reply;
    String outcome = text(list.get(0));
    if (outcome.equals("ok")) {
      return list;
    }
    if (outcome.equals("wrongtype")) {
      throw errors.wrongType(text(list.get(1)), text(list.get(2)), text(list.get(3)));
    }
    throw errors.unexpectedReply(script.name(), outcome);
  }

  /** A bulk string of a reply as text; other values as {@link String#valueOf}. */
  public static String text(@Nullable Object reply) {
    return reply instanceof byte[] raw ? new String(raw, UTF_8) : String.valueOf(reply);
  }

  private RuntimeException wrongTypeOr(RuntimeException failure, List<String> keys) {
    return RedisErrors.isWrongType(failure) ? errors.wrongType(keys, failure) : failure;
  }

  private void dropIdleConnections() {
    if (owned != null && !owned.getPool().isClosed()) {
      owned.getPool().clear();
    }
  }
}
