package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.order;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.tck.StoreFixtures;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.JedisURIHelper;

class RedisFailureTest {

  private static final String SECRET = "hunter2-" + UUID.randomUUID();

  private String prefix;
  private final List<ProjectionStore> stores = new ArrayList<>();

  @BeforeEach
  void freshPrefix() {
    prefix = RedisTestServer.uniquePrefix();
  }

  @AfterEach
  void cleanUp() {
    stores.forEach(ProjectionStore::close);
    RedisTestServer.deleteKeys(prefix);
  }

  private RedisProjectionStore open(Map<String, String> extra) {
    return open(RedisTestServer.url(), extra);
  }

  private RedisProjectionStore open(String url, Map<String, String> extra) {
    Map<String, String> properties = new HashMap<>(extra);
    properties.put(RedisStoreProperties.KEY_PREFIX, prefix);
    RedisProjectionStore store = RedisProjectionStore.open(url, properties);
    store.prepareReadModel(RedisProjectionStoreTest.ORDERS);
    stores.add(store);
    return store;
  }

  /** The URL with other credentials, or another path if {@code path} is not null. */
  private static String withUserInfo(String url, String userInfo, String path) throws Exception {
    URI uri = URI.create(url);
    return new URI(uri.getScheme(), userInfo, uri.getHost(), uri.getPort(),
        path == null ? uri.getPath() : path, null, null).toString();
  }

  private static String everything(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  @Test
  void anUnreachableServerIsATransientFailureNamingHostAndPortButNotThePassword() {
    Throwable failure = catchThrowable(() -> RedisProjectionStore.open(
        "redis://app:" + SECRET + "@127.0.0.1:1/0",
        Map.of(RedisStoreProperties.CONNECT_TIMEOUT_MS, "1000")));

    assertThat(failure).isInstanceOf(StoreException.class).hasMessageContaining("127.0.0.1:1");
    assertThat(((StoreException) failure).isTransient()).isTrue();
    assertThat(everything(failure)).doesNotContain(SECRET);
  }

  @Test
  void aWrongPasswordIsAPermanentFailureThatDoesNotShowThePassword() throws Exception {
    String user = "orchestrix-test-" + UUID.randomUUID();
    try (Jedis admin = new Jedis(URI.create(RedisTestServer.url()))) {
      admin.aclSetUser(user, "on", ">" + SECRET, "~" + prefix + "*", "+@all");
      try {
        Throwable wrong = catchThrowable(() -> RedisProjectionStore.open(
            withUserInfo(RedisTestServer.url(), user + ":not-" + SECRET, null), Map.of()));
        assertThat(wrong).isInstanceOf(StoreException.class).hasMessageContaining("credentials");
        assertThat(((StoreException) wrong).isTransient()).isFalse();
        assertThat(everything(wrong)).doesNotContain(SECRET);

        RedisProjectionStore inUri = open(withUserInfo(RedisTestServer.url(), user + ":" + SECRET,
            null), Map.of());
        assertThat(inUri.claimWriter("p1")).isPositive();
        assertThat(inUri.description()).doesNotContain(SECRET).contains("****");
        RedisProjectionStore inProperties = open(Map.of(RedisStoreProperties.USER, user,
            RedisStoreProperties.PASSWORD, SECRET));
        assertThat(inProperties.claimWriter("p1")).isGreaterThan(1);
      } finally {
        admin.aclDelUser(user);
      }
    }
  }

  @Test
  void tlsAgainstAPlainServerFailsAndTheMessageSuggestsWhy() {
    URI plain = URI.create(RedisTestServer.url());
    String address = plain.getHost() + ":" + plain.getPort();
    Throwable failure = catchThrowable(() -> RedisProjectionStore.open("rediss://" + address,
        Map.of(RedisStoreProperties.SOCKET_TIMEOUT_MS, "500",
            RedisStoreProperties.CONNECT_TIMEOUT_MS, "500")));

    assertThat(failure).isInstanceOf(StoreException.class)
        .hasMessageContaining(address).hasMessageContaining("TLS");
  }

  @Test
  void aForeignKeyOfTheWrongTypeRefusesTheCommitNamingItAndWritesNothing() {
    RedisProjectionStore store = open(Map.of());
    long token = store.claimWriter("p1");
    store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c1", 1)))));
    String foreign = prefix + "rm:orders:ix:customer:c1";
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.set(foreign, "written by someone else");
    }

    Throwable failure = catchThrowable(() -> store.commit(StoreFixtures.batch(token, 1, at("p1", 2), List.of(
        put(order("o2", "NEW", "c1", 2)), put(order("o1", "PAID", "c1", 2))))));

    assertThat(failure).isInstanceOf(StoreException.class)
        .hasMessageContaining("'" + foreign + "'").hasMessageContaining("string");
    assertThat(((StoreException) failure).isTransient()).isFalse();
    assertThat(store.loadState("p1").orElseThrow().lastProcessedPosition()).isEqualTo(1);
    assertThat(store.count("orders")).isEqualTo(1);
    assertThat(store.findByIndex("orders", "status", "NEW")).extracting(StoredDocument::id)
        .containsExactly("o1");
  }

  @Test
  void readsOfAKeyOfTheWrongTypeNameTheKey() {
    RedisProjectionStore store = open(Map.of());
    String documents = prefix + "rm:notes:docs";
    String state = prefix + "state:p9";
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.set(documents, "x");
      raw.set(state, "x");
    }

    assertThatThrownBy(() -> store.prepareReadModel(new ReadModelSchema("notes", List.of())))
        .isInstanceOf(StoreException.class).hasMessageContaining(documents);
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.del(documents);
    }
    store.prepareReadModel(new ReadModelSchema("notes", List.of()));
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.set(documents, "x");
    }
    assertThatThrownBy(() -> store.find("notes", "n1"))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind())
            .isEqualTo(FailureKind.FATAL)).hasMessageContaining("'" + documents + "'");
    assertThatThrownBy(() -> store.findAll("notes", List.of("n1", "n2")))
        .isInstanceOf(StoreException.class).hasMessageContaining("'" + documents + "'");
    assertThatThrownBy(() -> store.count("notes"))
        .isInstanceOf(StoreException.class).hasMessageContaining("'" + documents + "'");
    assertThatThrownBy(() -> store.page("notes", null, 5))
        .isInstanceOf(StoreException.class).hasMessageContaining("'" + documents + "'");
    assertThatThrownBy(() -> store.claimWriter("p9"))
        .isInstanceOf(StoreException.class).hasMessageContaining(state);
    assertThatThrownBy(() -> store.loadState("p9"))
        .isInstanceOf(StoreException.class).hasMessageContaining(state);
  }

  @Test
  void aDocumentOverTheSizeLimitIsRefusedNamingReadModelIdAndSizesAndNothingIsWritten() {
    RedisProjectionStore store = open(Map.of(RedisStoreProperties.MAX_DOCUMENT_BYTES, "64"));
    String json = "{\"text\":\"" + "\u00e9".repeat(27) + "\"}"; // 38 characters, 65 bytes
    StoredDocument large = new StoredDocument("big-1", json, Map.of("status", "NEW"), 2);

    assertThatThrownBy(() -> store.checkDocument("orders", large))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("'orders'").hasMessageContaining("'big-1'")
        .hasMessageContaining("65 bytes").hasMessageContaining("64 bytes");
    store.checkDocument("orders", new StoredDocument("ok", "{\"text\":\"" + "e".repeat(52) + "\"}",
        Map.of()));

    long token = store.claimWriter("p1");
    assertThatThrownBy(() -> store.commit(StoreFixtures.batch(token, 0, at("p1", 2),
        List.of(put(order("o1", "NEW", "c1", 1)), StoreFixtures.put("orders", large)))))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("'big-1'");
    assertThat(store.count("orders")).isZero();
    assertThat(store.loadState("p1").orElseThrow().lastProcessedPosition()).isZero();
  }

  @Test
  void aConnectionKilledInTheMiddleOfACommitLeavesAllOrNothingAndTheNextCommitSucceeds()
      throws Exception {
    String clientName = "orchestrix-kill-" + UUID.randomUUID();
    RedisProjectionStore store = open(Map.of(RedisStoreProperties.CLIENT_NAME, clientName));
    long token = store.claimWriter("p1");
    store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("seed", "NEW", "c0", 1)))));
    List<StoreFixtures.Change> changes = new ArrayList<>();
    String padding = "x".repeat(20_000);
    for (int i = 0; i < 2_000; i++) {
      changes.add(put(new StoredDocument("big-" + i, "{\"pad\":\"" + padding + "\"}",
          Map.of("status", "BIG", "customer", "c" + i % 10), 2)));
    }
    Commit big = StoreFixtures.batch(token, 1, at("p1", 2), changes);

    int kills = 0;
    try (Jedis admin = new Jedis(URI.create(RedisTestServer.url()))) {
      CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> store.commit(big));
      while (!commit.isDone()) {
        for (String client : admin.clientList().split("\n")) {
          if (client.contains(" name=" + clientName + " ") && receiving(client)) {
            admin.clientKill(clientKillParams(client));
            kills++;
          }
        }
      }
      Throwable failure = catchThrowable(commit::join);
      if (failure != null) {
        assertThat(failure.getCause()).isInstanceOf(StoreException.class);
        assertThat(((StoreException) failure.getCause()).isTransient()).isTrue();
      }
    }
    assertThat(kills).as("connections killed while a commit was arriving").isPositive();

    long checkpoint = store.loadState("p1").orElseThrow().lastProcessedPosition();
    long count = store.count("orders");
    int indexed = store.findByIndex("orders", "status", "BIG").size();
    if (checkpoint == 1) {
      assertThat(count).as("documents after a commit cut off").isEqualTo(1);
      assertThat(indexed).isZero();
      store.commit(big);
    } else {
      assertThat(checkpoint).isEqualTo(2);
      assertThat(count).isEqualTo(2_001);
      assertThat(indexed).isEqualTo(2_000);
    }
    store.commit(StoreFixtures.batch(token, 2, at("p1", 3), List.of(put(order("after", "NEW", "c0", 3)))));
    assertThat(store.count("orders")).isEqualTo(2_002);
    assertThat(store.findByIndex("orders", "customer", "c3")).hasSize(200);
  }

  private static boolean receiving(String clientLine) {
    return !clientLine.contains(" qbuf=0 ") || !clientLine.contains(" argv-mem=0 ");
  }

  private static redis.clients.jedis.params.ClientKillParams clientKillParams(String clientLine) {
    String id = clientLine.replaceAll("^id=(\\d+) .*$", "$1");
    return redis.clients.jedis.params.ClientKillParams.clientKillParams().id(id);
  }

  @Test
  void aPooledConnectionKilledWhileIdleCostsNoFailure() {
    String clientName = "orchestrix-idle-" + UUID.randomUUID();
    RedisProjectionStore store = open(Map.of(RedisStoreProperties.CLIENT_NAME, clientName));
    long token = store.claimWriter("p1");
    try (Jedis admin = new Jedis(URI.create(RedisTestServer.url()))) {
      for (String client : admin.clientList().split("\n")) {
        if (client.contains(" name=" + clientName + " ")) {
          admin.clientKill(clientKillParams(client));
        }
      }
    }

    store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c1", 1)))));
    assertThat(store.find("orders", "o1")).isPresent();
  }

  @Test
  void theProviderOpensRedisUrisAndTheDatabaseInThePathIsUsed() throws Exception {
    URI configured = URI.create(RedisTestServer.url());
    int other = (JedisURIHelper.getDBIndex(configured) + 1) % 16;
    String url = withUserInfo(RedisTestServer.url(), configured.getUserInfo(), "/" + other);
    try (Jedis otherDatabase = new Jedis(configured)) {
      otherDatabase.select(other);
      try {
        try (ProjectionStore store = ProjectionStoreProviders.open(url,
            Map.of(RedisStoreProperties.KEY_PREFIX, prefix))) {
          assertThat(store).isInstanceOf(RedisProjectionStore.class);
          store.prepareReadModel(RedisProjectionStoreTest.ORDERS);
          store.commit(StoreFixtures.batch(store.claimWriter("p1"), 0, at("p1", 1),
              List.of(put(order("o1", "NEW", "c1", 1)))));
        }
        assertThat(otherDatabase.hexists(prefix + "rm:orders:docs", "o1")).isTrue();
        try (RedisClient configuredDatabase = RedisTestServer.rawClient()) {
          assertThat(RedisTestServer.keys(configuredDatabase, prefix)).isEmpty();
        }
      } finally {
        List<String> keys = RedisTestServer.keys(otherDatabase, prefix);
        if (!keys.isEmpty()) {
          otherDatabase.unlink(keys.toArray(String[]::new));
        }
      }
    }
  }

  @Test
  void aClosedStoreRefusesEveryCallAsAFatalFailureNamingTheStore() {
    RedisProjectionStore store = open(Map.of());
    long token = store.claimWriter("p1");
    store.close();
    store.close();

    List<ThrowingCallable> calls = List.of(() -> store.count("orders"),
        () -> store.claimWriter("p1"), () -> store.loadState("p1"),
        () -> store.find("orders", "o1"), () -> store.page("orders", null, 10),
        () -> store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of())));
    for (ThrowingCallable call : calls) {
      assertThatThrownBy(call).isInstanceOfSatisfying(StoreException.class, e -> {
        assertThat(e.kind()).isEqualTo(FailureKind.FATAL);
        assertThat(e).hasMessageContaining("store " + store.description() + " is closed");
      });
    }
  }
}
