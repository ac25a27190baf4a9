package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.ORDERS;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.order;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.tck.StoreFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What a server answers when it cannot serve for now (loading its data, busy with a long script, a
 * read-only replica, too many clients, every pooled connection busy) is a transient outage, which a
 * runner waits out; what will fail again until someone acts (a script the server will not take, a
 * missing password) is fatal. Each test runs its own redis-server.
 */
class ServerRepliesTest {

  @TempDir
  Path directory;

  private static StoreException failure(ThrowingCallable call) {
    StoreException failure = catchThrowableOfType(StoreException.class, call);
    assertThat(failure).as("a StoreException").isNotNull();
    return failure;
  }

  private static void assertTransient(StoreException failure, String reply) {
    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(failure).hasMessageContaining(reply);
  }

  private static void assertFatal(StoreException failure, String reply) {
    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(FailureKind.FATAL);
    assertThat(failure).hasMessageContaining(reply);
  }

  @Test
  void aServerLoadingItsDataIsATransientOutageUntilItIsDone() throws Exception {
    try (PrivateRedisServer first = PrivateRedisServer.startPlain(directory);
        Jedis filling = new Jedis("127.0.0.1", first.port)) {
      for (int i = 0; i < 1000; i++) {
        filling.set("filler:" + i, "x");
      }
      filling.save();
    }
    try (PrivateRedisServer loading = PrivateRedisServer.startPlain(directory,
        "--key-load-delay", "2000", "--loading-process-events-interval-bytes", "1024");
        Jedis probe = new Jedis("127.0.0.1", loading.port)) {
      Awaitility.await("the server to answer LOADING").atMost(Duration.ofSeconds(20))
          .until(() -> isLoading(probe));

      StoreException outage = failure(() -> RedisProjectionStore.open(loading.url()));

      assertTransient(outage, "LOADING");
      assertThat(outage).hasMessageContaining(loading.address());
      RedisProjectionStore store = Awaitility.await("the store to open once the data is loaded")
          .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsMatching(e -> e instanceof StoreException s && s.isTransient())
          .until(() -> RedisProjectionStore.open(loading.url()), opened -> true);
      store.prepareReadModel(ORDERS);
      assertThat(store.claimWriter("p1")).isEqualTo(1);
      store.close();
    }
  }

  private static boolean isLoading(Jedis probe) {
    try {
      probe.ping();
      return false;
    } catch (JedisDataException e) {
      return String.valueOf(e.getMessage()).startsWith("LOADING");
    }
  }

  @Test
  void aServerBusyWithALongScriptIsATransientOutage() throws Exception {
    try (PrivateRedisServer server = PrivateRedisServer.startPlain(directory,
        "--busy-reply-threshold", "50");
        RedisProjectionStore store = RedisProjectionStore.open(server.url());
        Jedis busy = new Jedis("127.0.0.1", server.port);
        Jedis probe = new Jedis("127.0.0.1", server.port)) {
      store.prepareReadModel(ORDERS);
      CompletableFuture<Object> longScript = CompletableFuture.supplyAsync(() -> busy.eval(
          "local t = redis.call('TIME') while true do local n = redis.call('TIME')"
              + " if (n[1] - t[1]) * 1000000 + n[2] - t[2] > 20000000 then return 0 end end"));
      Awaitility.await("the server to answer BUSY").atMost(Duration.ofSeconds(20))
          .until(() -> isBusy(probe));

      assertTransient(failure(() -> store.loadState("p1")), "BUSY");
      assertTransient(failure(() -> store.claimWriter("p1")), "BUSY");

      probe.scriptKill();
      assertThat(longScript).failsWithin(Duration.ofSeconds(20));
      assertThat(store.claimWriter("p1")).isEqualTo(1);
    }
  }

  private static boolean isBusy(Jedis probe) {
    try {
      probe.ping();
      return false;
    } catch (JedisDataException e) {
      return String.valueOf(e.getMessage()).startsWith("BUSY");
    }
  }

  @Test
  void aPrimaryTurnedReadOnlyReplicaRefusesWritesTransientlyAndServesReads() throws Exception {
    try (PrivateRedisServer server = PrivateRedisServer.startPlain(directory);
        RedisProjectionStore store = RedisProjectionStore.open(server.url());
        Jedis admin = new Jedis("127.0.0.1", server.port)) {
      store.prepareReadModel(ORDERS);
      long token = store.claimWriter("p1");
      store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c", 1)))));
      // a replica of a primary that does not answer keeps its data and refuses writes
      admin.replicaof("127.0.0.1", 1);

      assertTransient(failure(() -> store.commit(StoreFixtures.batch(token, 1, at("p1", 2),
          List.of(put(order("o2", "NEW", "c", 2)))))), "READONLY");
      assertTransient(failure(() -> store.claimWriter("p1")), "READONLY");
      assertThat(store.loadState("p1")).contains(at("p1", 1));
      assertThat(store.count("orders")).isEqualTo(1);

      admin.replicaofNoOne();
      store.commit(StoreFixtures.batch(token, 1, at("p1", 2), List.of(put(order("o2", "NEW", "c", 2)))));
      assertThat(store.count("orders")).isEqualTo(2);
    }
  }

  @Test
  void aServerWithTooManyClientsIsATransientOutage() throws Exception {
    try (PrivateRedisServer server = PrivateRedisServer.startPlain(directory, "--maxclients", "1");
        Jedis onlyClient = theOneClient(server)) {
      StoreException outage = failure(() -> RedisProjectionStore.open(server.url()));

      assertThat(outage.kind()).as(outage.getMessage()).isEqualTo(FailureKind.TRANSIENT);
      assertThat(outage).hasMessageContaining(server.address());
    }
  }

  /** A connection that holds the server's one client slot, once the probe of its start has left it. */
  private static Jedis theOneClient(PrivateRedisServer server) {
    return Awaitility.await("the server to take one client").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> {
          Jedis client = new Jedis("127.0.0.1", server.port);
          try {
            client.ping();
            return client;
          } catch (RuntimeException refused) {
            client.close();
            throw refused;
          }
        }, client -> true);
  }

  @Test
  void aScriptTheServerWillNotTakeIsFatal() throws Exception {
    try (PrivateRedisServer server = PrivateRedisServer.startPlain(directory);
        Jedis admin = new Jedis("127.0.0.1", server.port)) {
      admin.aclSetUser("no-eval", "on", ">secret", "~*", "+@all", "-eval");
      admin.scriptFlush();

      StoreException refused = failure(() -> RedisProjectionStore.open(
          "redis://no-eval:secret@127.0.0.1:" + server.port));

      assertFatal(refused, "NOPERM");
      assertThat(refused).hasMessageNotContaining("secret");
    }
  }

  @Test
  void aServerThatWantsAPasswordIsFatalWithoutOne() throws Exception {
    try (PrivateRedisServer server = PrivateRedisServer.startPlain(directory,
        "--requirepass", "hunter2")) {
      StoreException refused = failure(() -> RedisProjectionStore.open(server.url()));

      assertFatal(refused, "credentials");
      try (RedisProjectionStore store = RedisProjectionStore.open(server.url(),
          Map.of(RedisStoreProperties.PASSWORD, "hunter2"))) {
        store.prepareReadModel(ORDERS);
        assertThat(store.count("orders")).isZero();
      }
    }
  }

  @Test
  void noPooledConnectionFreeInTimeIsATransientOutage() throws Exception {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(1);
    pool.setMaxWait(Duration.ofMillis(100));
    try (PrivateRedisServer server = PrivateRedisServer.startPlain(directory);
        RedisClient client = RedisClient.builder()
            .hostAndPort(new HostAndPort("127.0.0.1", server.port))
            .clientConfig(DefaultJedisClientConfig.builder().build()).poolConfig(pool).build()) {
      RedisProjectionStore store = RedisProjectionStore.create(client, RedisStoreOptions.defaults());
      store.prepareReadModel(ORDERS);

      StoreException outage;
      try (Connection taken = client.getPool().getResource()) {
        outage = failure(() -> store.count("orders"));
      }

      assertThat(outage.kind()).as(outage.getMessage()).isEqualTo(FailureKind.TRANSIENT);
      assertThat(outage).hasMessageContaining("no pooled connection");
      assertThat(store.count("orders")).isZero();
    }
  }
}
