package io.orchestrix.projection.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.params.ClientKillParams;

/**
 * An operator's connection to a redis-server of the test's own: it pauses the server's writes (so a
 * store's script waits on the server, in the middle of its call) and lists and kills the store's
 * connections with {@code CLIENT KILL}, as an operator or a failing network would.
 */
final class ServerAdmin implements AutoCloseable {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final Jedis jedis;

  ServerAdmin(PrivateRedisServer server) {
    this.jedis = new Jedis("127.0.0.1", server.port);
  }

  Jedis jedis() {
    return jedis;
  }

  /**
   * Holds every command that may write, scripts included, on the server until {@link #unpause}; the
   * clients that send one wait in the middle of their call. Reads and this connection go on.
   */
  void pauseWrites() {
    jedis.clientPause(Duration.ofMinutes(2).toMillis(), ClientPauseMode.WRITE);
  }

  void unpause() {
    jedis.clientUnpause();
  }

  /** The connections named {@code name}, each as its CLIENT LIST fields. */
  List<Map<String, String>> clients(String name) {
    List<Map<String, String>> named = new ArrayList<>();
    for (String line : jedis.clientList().split("\n")) {
      Map<String, String> fields = new HashMap<>();
      for (String field : line.trim().split(" ")) {
        int equals = field.indexOf('=');
        if (equals > 0) {
          fields.put(field.substring(0, equals), field.substring(equals + 1));
        }
      }
      if (name.equals(fields.get("name"))) {
        named.add(fields);
      }
    }
    return named;
  }

  /**
   * The id of a connection named {@code name}, not among {@code known}, that waits on the server in
   * the middle of a command held by {@link #pauseWrites}, or -1 if there is none.
   */
  long heldCall(String name, Collection<Long> known) {
    return clients(name).stream()
        .filter(client -> client.getOrDefault("flags", "").contains("b"))
        .map(client -> Long.parseLong(client.get("id")))
        .filter(id -> !known.contains(id))
        .findFirst().orElse(-1L);
  }

  /** Waits for a {@link #heldCall} and returns its id. */
  long awaitHeldCall(String name, Collection<Long> known) {
    return Awaitility.await("a held call of the connections named " + name)
        .atMost(DEADLINE).pollInterval(Duration.ofMillis(5))
        .until(() -> heldCall(name, known), id -> id > 0);
  }

  /** Kills one connection. */
  void kill(long id) {
    jedis.clientKill(ClientKillParams.clientKillParams().id(Long.toString(id)));
  }

  /** Kills the connection in the middle of its held call; returns its id. */
  long killHeldCall(String name, Collection<Long> known) {
    long id = awaitHeldCall(name, known);
    kill(id);
    return id;
  }

  /** Kills every connection named {@code name}; returns how many there were. */
  int killAll(String name) {
    int killed = 0;
    for (Map<String, String> client : clients(name)) {
      killed += (int) jedis.clientKill(ClientKillParams.clientKillParams().id(client.get("id")));
    }
    return killed;
  }

  /** Kills both attempts of a held call (the first and the one the store sends again). */
  Set<Long> killBothAttempts(String name) {
    long first = killHeldCall(name, Set.of());
    long second = killHeldCall(name, Set.of(first));
    return Set.of(first, second);
  }

  @Override
  public void close() {
    jedis.close();
  }
}
