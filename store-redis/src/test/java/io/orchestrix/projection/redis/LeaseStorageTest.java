package io.orchestrix.projection.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.redis.internal.LeaseRecords;
import io.orchestrix.projection.spi.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * How the Redis store keeps leases: a hash per lease whose key Redis deletes a day after the lease
 * expired, a set per group, one epoch counter; expiry judged by the server's clock whatever the
 * store's own clock says; keys of the wrong type refused as fatal failures naming the key.
 */
class LeaseStorageTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private String prefix;
  private RedisProjectionStore store;
  private RedisClient raw;

  @BeforeEach
  void openStore() {
    prefix = RedisTestServer.uniquePrefix();
    store = RedisTestServer.open(prefix);
    raw = RedisTestServer.rawClient();
  }

  @AfterEach
  void closeStore() {
    store.close();
    raw.close();
    RedisTestServer.deleteKeys(prefix);
  }

  private Instant serverTime() {
    List<?> time = (List<?>) raw.eval("return redis.call('TIME')");
    return Instant.ofEpochSecond(Long.parseLong(text(time.get(0))), Long.parseLong(text(time.get(1))) * 1000);
  }

  private static String text(Object reply) {
    return reply instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
        : String.valueOf(reply);
  }

  @Test
  void aLeaseIsAHashWhoseKeyOutlivesTheLeaseByTheRetentionAndItsGroupSetLivesAsLong() {
    Lease lease = store.acquireLease("orders:v2", "p#1", "node-a", MINUTE).orElseThrow();

    String key = prefix + "lease:orders:v2/p#1";
    assertThat(raw.hgetAll(key)).containsEntry("owner", "node-a")
        .containsEntry("epoch", Long.toString(lease.epoch()))
        .containsEntry("exp", Long.toString(lease.expiresAt().toEpochMilli()));
    long retention = LeaseRecords.RETENTION.toMillis();
    assertThat(raw.pttl(key)).isBetween(retention, retention + MINUTE.toMillis());
    assertThat(raw.pttl(prefix + "leases:orders:v2")).isBetween(retention, retention + MINUTE.toMillis());
    assertThat(raw.smembers(prefix + "leases:orders:v2")).containsExactly("p#1");
    assertThat(raw.get(prefix + "lease-epoch")).isEqualTo(Long.toString(lease.epoch()));

    assertThat(store.releaseLease("orders:v2", "p#1", "node-a")).isTrue();
    assertThat(RedisTestServer.keys(raw, prefix + "lease")).containsExactly(prefix + "lease-epoch");
  }

  @Test
  void expiryIsJudgedByTheServersClockNotTheStores() {
    Clock dayAhead = Clock.offset(Clock.systemUTC(), Duration.ofDays(1));
    try (RedisProjectionStore skewed = RedisProjectionStore.create(raw,
        RedisStoreOptions.builder().keyPrefix(prefix).clock(Clock.fixed(dayAhead.instant(), ZoneOffset.UTC))
            .build())) {
      Instant before = serverTime();
      Lease lease = skewed.acquireLease("g", "r", "node-a", MINUTE).orElseThrow();
      Instant after = serverTime();

      assertThat(lease.expiresAt()).isBetween(before.plus(MINUTE).minusMillis(1), after.plus(MINUTE));
      assertThat(skewed.acquireLease("g", "r", "node-b", MINUTE)).isEmpty();
    }
  }

  @Test
  void aLeaseWhoseKeyRedisDeletedIsNoLongerListedAndIsTakenWithAGreaterEpoch() {
    Lease first = store.acquireLease("g", "gone", "node-a", MINUTE).orElseThrow();
    store.acquireLease("g", "kept", "node-a", MINUTE).orElseThrow();
    raw.del(prefix + "lease:g/gone");

    assertThat(store.leases("g")).extracting(Lease::resource).containsExactly("kept");
    assertThat(raw.smembers(prefix + "leases:g")).containsExactly("kept");
    assertThat(store.releaseLease("g", "gone", "node-a")).isFalse();
    Lease taken = store.acquireLease("g", "gone", "node-b", MINUTE).orElseThrow();
    assertThat(taken.epoch()).isGreaterThan(first.epoch());
  }

  @Test
  void anExpiredLeaseIsReleasedByItsHolder() {
    store.acquireLease("g", "r", "node-a", Duration.ofMillis(100)).orElseThrow();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> store.leases("g").get(0).expired());

    assertThat(store.releaseLease("g", "r", "node-b")).isFalse();
    assertThat(store.releaseLease("g", "r", "node-a")).isTrue();
    assertThat(store.leases("g")).isEmpty();
  }

  @Test
  void ofNodesRacingOnTheirOwnConnectionsForAnExpiredLeaseOneTakesItWithAGreaterEpoch()
      throws Exception {
    int racers = 6;
    List<RedisProjectionStore> nodes = new ArrayList<>();
    ExecutorService executor = Executors.newFixedThreadPool(racers);
    try {
      for (int i = 0; i < racers; i++) {
        nodes.add(RedisTestServer.open(prefix));
      }
      long epoch = store.acquireLease("g", "r", "node-old", Duration.ofMillis(100)).orElseThrow().epoch();
      for (int round = 0; round < 5; round++) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> store.leases("g").get(0).expired());
        CyclicBarrier start = new CyclicBarrier(racers);
        List<Future<Optional<Lease>>> results = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
          RedisProjectionStore node = nodes.get(i);
          String owner = "node-" + i;
          results.add(executor.submit(() -> {
            start.await();
            return node.acquireLease("g", "r", owner, MINUTE);
          }));
        }
        List<Lease> winners = new ArrayList<>();
        for (Future<Optional<Lease>> result : results) {
          result.get(60, TimeUnit.SECONDS).ifPresent(winners::add);
        }

        assertThat(winners).as("winners of round %d", round).hasSize(1);
        assertThat(winners.get(0).epoch()).isGreaterThan(epoch);
        assertThat(store.leases("g")).singleElement()
            .satisfies(lease -> assertThat(lease.owner()).isEqualTo(winners.get(0).owner()));
        epoch = winners.get(0).epoch();
        // the winner renews for a moment, keeping the epoch, so that the lease expires for the next round
        assertThat(store.acquireLease("g", "r", winners.get(0).owner(), Duration.ofMillis(100))
            .orElseThrow().epoch()).isEqualTo(epoch);
      }
    } finally {
      executor.shutdownNow();
      nodes.forEach(RedisProjectionStore::close);
    }
  }

  @Test
  void leaseKeysOfTheWrongTypeAreFatalFailuresNamingTheKey() {
    String lease = prefix + "lease:g/r";
    String group = prefix + "leases:h";
    String epochs = prefix + "lease-epoch";
    raw.set(lease, "x");
    raw.set(group, "x");

    assertThatThrownBy(() -> store.acquireLease("g", "r", "node-a", MINUTE))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.FATAL))
        .hasMessageContaining("'" + lease + "'");
    assertThatThrownBy(() -> store.releaseLease("g", "r", "node-a"))
        .isInstanceOf(StoreException.class).hasMessageContaining("'" + lease + "'");
    assertThatThrownBy(() -> store.leases("h"))
        .isInstanceOf(StoreException.class).hasMessageContaining("'" + group + "'");
    raw.del(lease);
    raw.sadd(epochs, "x");
    assertThatThrownBy(() -> store.acquireLease("g", "r", "node-a", MINUTE))
        .isInstanceOf(StoreException.class).hasMessageContaining("'" + epochs + "'");
    assertThat(raw.exists(lease)).as("the lease after a refused acquire").isFalse();
  }
}
