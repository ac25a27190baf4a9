package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.ORDERS;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.deadLetter;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.order;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.StoreFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Connections of a store killed with {@code CLIENT KILL} in the middle of its calls, on a
 * redis-server of the test's own whose writes the test pauses: a store's script then waits on the
 * server, and the test kills its connection there. A call killed once is sent again on a fresh
 * connection and succeeds, applied once; a call killed twice fails as a transient outage and changes
 * nothing.
 */
class ConnectionKillTest {

  @TempDir
  static Path directory;

  private static PrivateRedisServer server;
  private static ServerAdmin admin;

  private final String name = "kill-" + UUID.randomUUID();
  private final List<RedisProjectionStore> stores = new ArrayList<>();
  private RedisProjectionStore store;

  @BeforeAll
  static void startServer() throws Exception {
    server = PrivateRedisServer.startPlain(directory);
    admin = new ServerAdmin(server);
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void openStore() {
    store = open(Map.of());
    store.prepareReadModel(ORDERS);
  }

  @AfterEach
  void unpauseAndClose() {
    admin.unpause();
    stores.forEach(RedisProjectionStore::close);
  }

  private RedisProjectionStore open(Map<String, String> extra) {
    Map<String, String> properties = new HashMap<>(extra);
    properties.put(RedisStoreProperties.CLIENT_NAME, name);
    properties.put(RedisStoreProperties.KEY_PREFIX, name + ":");
    RedisProjectionStore opened = RedisProjectionStore.open(server.url(), properties);
    stores.add(opened);
    return opened;
  }

  /** A call of the store that runs a script, which paused writes hold on the server. */
  enum HeldCall {
    CLAIM_WRITER(store -> store.claimWriter("p1"), 2L),
    PREPARE_READ_MODEL(store -> {
      store.prepareReadModel(new ReadModelSchema("orders", List.of("status", "customer", "region")));
      return "prepared";
    }, "prepared"),
    COMMIT(store -> {
      store.commit(StoreFixtures.batch(1, 1, at("p1", 2), List.of(put(order("o2", "PAID", "c2", 2)))));
      return "committed";
    }, "committed"),
    SAVE_STATE(store -> {
      store.saveState(at("p1", 1).failed(2, "boom", RedisProjectionStoreTest.NOW));
      return "saved";
    }, "saved"),
    FIND_BY_INDEX(store -> ids(store.findByIndex("orders", "status", "NEW")), List.of("o1")),
    PAGE(store -> ids(store.page("orders", null, 10)), List.of("o1")),
    DEAD_LETTERS(store -> store.deadLetters("p1").size(), 1),
    ACQUIRE_LEASE(store -> store.acquireLease("g", "free", "node-b", LEASE_TTL)
        .map(lease -> lease.owner() + " " + lease.epoch()).orElse("refused"), "node-b 2"),
    RELEASE_LEASE(store -> store.releaseLease("g", "held", "node-a"), true),
    LEASES(store -> store.leases("g").stream().map(Lease::resource).toList(), List.of("held"));

    final Function<RedisProjectionStore, Object> call;
    final Object result;

    HeldCall(Function<RedisProjectionStore, Object> call, Object result) {
      this.call = call;
      this.result = result;
    }
  }

  private static List<String> ids(List<StoredDocument> documents) {
    return documents.stream().map(StoredDocument::id).toList();
  }

  private static final Duration LEASE_TTL = Duration.ofMinutes(5);

  /** Token 1, checkpoint 1, document o1 (NEW), a dead letter at 1, lease 'held' of 'g' (epoch 1). */
  private void seed() {
    assertThat(store.acquireLease("g", "held", "node-a", LEASE_TTL).orElseThrow().epoch()).isEqualTo(1);
    long token = store.claimWriter("p1");
    assertThat(token).isEqualTo(1);
    store.commit(Commit.batch(token, 0, at("p1", 1), StoreFixtures.grouped(
        List.of(put(order("o1", "NEW", "c1", 1)))), List.of(deadLetter("p1", 1))));
  }

  private List<String> leases() {
    return store.leases("g").stream()
        .map(lease -> lease.resource() + " " + lease.owner() + " " + lease.epoch()).toList();
  }

  private Map<String, Object> snapshot() {
    return StoreFixtures.snapshot(store, "p1", Set.of("orders"));
  }

  private static <T> T join(CompletableFuture<T> call) throws Exception {
    try {
      return call.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @ParameterizedTest
  @EnumSource(HeldCall.class)
  void aCallWhoseConnectionIsKilledOnceIsSentAgainAndAppliedOnce(HeldCall held) throws Exception {
    seed();
    admin.pauseWrites();

    CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> held.call.apply(store));
    long killed = admin.killHeldCall(name, Set.of());
    admin.awaitHeldCall(name, Set.of(killed));
    admin.unpause();

    assertThat(join(call)).as("the result of %s", held).isEqualTo(held.result);
    switch (held) {
      case CLAIM_WRITER -> assertThat(store.claimWriter("p1")).isEqualTo(3);
      case PREPARE_READ_MODEL -> assertThat(store.findByIndex("orders", "region", "north")).isEmpty();
      case COMMIT -> {
        assertThat(store.loadState("p1")).contains(at("p1", 2));
        assertThat(ids(store.findByIndex("orders", "status", "PAID"))).containsExactly("o2");
      }
      case ACQUIRE_LEASE -> assertThat(leases()).containsExactly("free node-b 2", "held node-a 1");
      case RELEASE_LEASE -> assertThat(leases()).isEmpty();
      case SAVE_STATE -> assertThat(store.loadState("p1"))
          .contains(at("p1", 1).failed(2, "boom", RedisProjectionStoreTest.NOW));
      default -> assertThat(store.loadState("p1")).contains(at("p1", 1));
    }
  }

  @ParameterizedTest
  @EnumSource(HeldCall.class)
  void aCallWhoseConnectionIsKilledTwiceIsATransientOutageThatChangesNothing(HeldCall held)
      throws Exception {
    seed();
    Map<String, Object> before = snapshot();
    List<String> leasesBefore = leases();
    admin.pauseWrites();

    CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> held.call.apply(store));
    admin.killBothAttempts(name);
    StoreException outage = catchThrowableOfType(StoreException.class, () -> join(call));

    assertThat(outage).as("the failure of %s", held).isNotNull();
    assertThat(outage.kind()).as(outage.getMessage()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(outage).hasMessageContaining(server.address()).hasMessageContaining("dropped");
    admin.unpause();
    assertThat(snapshot()).isEqualTo(before);
    assertThat(leases()).isEqualTo(leasesBefore);
    assertThat(store.claimWriter("p1")).as("the token after two lost claims").isEqualTo(2);
  }

  /** A read of the store that is one command, not a script. */
  enum DirectRead {
    LOAD_STATE(store -> store.loadState("p1").orElseThrow().lastProcessedPosition(), 1L),
    FIND(store -> store.find("orders", "o1").orElseThrow().id(), "o1"),
    FIND_ALL(store -> store.findAll("orders", List.of("o1", "o9")).keySet(), Set.of("o1")),
    COUNT(store -> store.count("orders"), 1L);

    final Function<RedisProjectionStore, Object> call;
    final Object result;

    DirectRead(Function<RedisProjectionStore, Object> call, Object result) {
      this.call = call;
      this.result = result;
    }
  }

  @ParameterizedTest
  @EnumSource(DirectRead.class)
  void aDirectReadWhoseConnectionIsKilledAsItBeginsIsSentAgain(DirectRead read) {
    String killable = name + "-read";
    try (KillingClient client = new KillingClient(server, admin, killable)) {
      RedisProjectionStore reader = RedisProjectionStore.create(client,
          RedisStoreOptions.builder().keyPrefix(name + ":").build());
      reader.prepareReadModel(ORDERS);
      seed();

      client.killAsTheNextReadBegins();
      Object result = read.call.apply(reader);

      assertThat(client.killed()).as("connections killed").isEqualTo(1);
      assertThat(result).isEqualTo(read.result);
    }
  }

  @Test
  void aStoreWhoseConnectionIsKilledWhileItOpensOpensAll() throws Exception {
    admin.pauseWrites();

    CompletableFuture<RedisProjectionStore> opening = CompletableFuture.supplyAsync(
        () -> open(Map.of(RedisStoreProperties.KEY_PREFIX, name + ":another:")));
    long killed = admin.killHeldCall(name, Set.of());
    admin.awaitHeldCall(name, Set.of(killed));
    admin.unpause();

    RedisProjectionStore opened = join(opening);
    opened.prepareReadModel(ORDERS);
    assertThat(opened.count("orders")).isZero();
  }

  @Test
  void pooledConnectionsKilledWhileIdleCostNoFailureHoweverManyThereAre() throws Exception {
    seed();
    admin.pauseWrites();
    List<CompletableFuture<Long>> claims = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      claims.add(CompletableFuture.supplyAsync(() -> store.claimWriter("p2")));
    }
    Set<Long> held = new java.util.HashSet<>();
    for (int i = 0; i < 6; i++) {
      held.add(admin.awaitHeldCall(name, held));
    }
    admin.unpause();
    for (CompletableFuture<Long> claim : claims) {
      join(claim);
    }
    assertThat(admin.killAll(name)).as("idle pooled connections killed").isEqualTo(6);

    assertThat(store.loadState("p1")).contains(at("p1", 1));
    assertThat(admin.clients(name)).as("connections after the pool dropped its dead ones")
        .hasSize(1);
    assertThat(store.find("orders", "o1")).isPresent();
    assertThat(store.findAll("orders", List.of("o1", "o9"))).containsOnlyKeys("o1");
    assertThat(store.count("orders")).isEqualTo(1);
  }

  @Test
  void aReplyThatTimesOutIsATransientOutageAndNothingIsApplied() throws Exception {
    RedisProjectionStore impatient = open(Map.of(RedisStoreProperties.SOCKET_TIMEOUT_MS, "300"));
    impatient.prepareReadModel(ORDERS);
    long token = impatient.claimWriter("p1");
    admin.pauseWrites();

    StoreException outage = catchThrowableOfType(StoreException.class,
        () -> impatient.commit(StoreFixtures.batch(token, 0, at("p1", 1),
            List.of(put(order("o1", "NEW", "c1", 1))))));

    assertThat(outage).isNotNull();
    assertThat(outage.kind()).as(outage.getMessage()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(outage).hasMessageContaining(server.address()).hasMessageContaining("timed out");
    // the server drops the held commands of connections the store closed
    Awaitility.await("the timed-out connections to be gone").atMost(Duration.ofSeconds(20))
        .until(() -> admin.clients(name).stream()
            .noneMatch(client -> client.getOrDefault("flags", "").contains("b")));
    admin.unpause();
    assertThat(impatient.loadState("p1").orElseThrow().lastProcessedPosition()).isZero();
    impatient.commit(StoreFixtures.batch(token, 0, at("p1", 1),
        List.of(put(order("o1", "NEW", "c1", 1)))));
    assertThat(impatient.count("orders")).isEqualTo(1);
  }

  @Test
  void aServerThatStoppedIsATransientOutage(@TempDir Path own) throws Exception {
    PrivateRedisServer stopping = PrivateRedisServer.startPlain(own);
    RedisProjectionStore orphan;
    try {
      orphan = RedisProjectionStore.open(stopping.url(), Map.of());
      stores.add(orphan);
      orphan.prepareReadModel(ORDERS);
      orphan.claimWriter("p1");
    } finally {
      stopping.close();
    }

    for (Function<RedisProjectionStore, Object> call : List.<Function<RedisProjectionStore, Object>>of(
        s -> s.loadState("p1"), s -> s.claimWriter("p1"), s -> s.count("orders"))) {
      StoreException outage = catchThrowableOfType(StoreException.class, () -> call.apply(orphan));
      assertThat(outage).isNotNull();
      assertThat(outage.kind()).as(outage.getMessage()).isEqualTo(FailureKind.TRANSIENT);
      assertThat(outage).hasMessageContaining(stopping.address());
    }
  }

  @Test
  void aCommitAppliedWhoseReplyIsLostIsReportedAsAppliedOnce() {
    try (ReplyLosingClient client = new ReplyLosingClient(server.port)) {
      RedisProjectionStore losing = RedisProjectionStore.create(client,
          RedisStoreOptions.builder().keyPrefix(name + ":lost:").build());
      losing.prepareReadModel(ORDERS);
      long token = losing.claimWriter("p1");

      client.loseNextCommitReply();
      losing.commit(StoreFixtures.batch(token, 0, at("p1", 1),
          List.of(put(order("o1", "NEW", "c1", 1)))));

      assertThat(client.lostReplies()).as("commit replies lost").isEqualTo(1);
      assertThat(losing.loadState("p1")).contains(at("p1", 1));
      assertThat(ids(losing.findByIndex("orders", "status", "NEW"))).containsExactly("o1");
      assertThat(losing.count("orders")).isEqualTo(1);
    }
  }
}
