package io.orchestrix.projection.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.orchestrix.projection.spi.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the MongoDB store adds to the kit's lease contract: expiry by the server's clock whatever the
 * nodes' clocks say, the layout of a lease, epochs that only grow, and races for expired and released
 * leases on separate connections.
 */
class LeasesTest {

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Duration SHORT = Duration.ofMillis(200);
  private static TestMongo server;
  private final List<MongoProjectionStore> opened = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshPrefix() {
    prefix = TestMongo.freshPrefix();
  }

  @AfterEach
  void closeStores() {
    opened.forEach(MongoProjectionStore::close);
    server.drop(prefix);
  }

  private MongoProjectionStore open(Clock clock) {
    MongoProjectionStore store = MongoProjectionStore.open(server.uri(),
        TestMongo.options(prefix).clock(clock).build());
    opened.add(store);
    return store;
  }

  private MongoProjectionStore open() {
    return open(Clock.systemUTC());
  }

  private static Instant serverTime(MongoClient client) {
    return client.getDatabase("admin").runCommand(new Document("serverStatus", 1))
        .getDate("localTime").toInstant();
  }

  @Test
  @DisplayName("nodes whose clocks are decades apart agree on a lease, timed by the server's clock")
  void serverClockAlone() {
    MongoProjectionStore past = open(Clock.fixed(Instant.parse("2001-01-01T00:00:00Z"), ZoneOffset.UTC));
    MongoProjectionStore future = open(Clock.fixed(Instant.parse("2099-01-01T00:00:00Z"), ZoneOffset.UTC));
    try (MongoClient client = MongoClients.create(server.uri())) {
      Instant before = serverTime(client);
      Lease taken = past.acquireLease("nodes", "p0", "node-past", LONG).orElseThrow();
      Instant after = serverTime(client);

      assertThat(taken.expiresAt().minus(LONG)).isBetween(before.minusMillis(1), after.plusMillis(1));
      assertThat(taken.remaining()).isEqualTo(LONG);
      assertThat(future.acquireLease("nodes", "p0", "node-future", LONG)).isEmpty();
      assertThat(future.leases("nodes")).singleElement().satisfies(seen -> {
        assertThat(seen.expiresAt()).isEqualTo(taken.expiresAt());
        assertThat(seen.remaining()).isPositive().isLessThanOrEqualTo(LONG);
      });
    }
  }

  @Test
  @DisplayName("a lease is one document: group, resource, owner, epoch, the server's time of renewal and the time to live in whole milliseconds")
  void layout() {
    open().acquireLease("nodes", "p:7", "node-a", Duration.ofMillis(15_005).plusNanos(700_000)).orElseThrow();

    try (MongoClient client = MongoClients.create(server.uri())) {
      Document stored = client.getDatabase(server.database()).getCollection(prefix + "leases")
          .find().first();
      assertThat(stored).isNotNull();
      assertThat(stored.keySet()).containsExactlyInAnyOrder(
          "_id", "group", "resource", "owner", "epoch", "renewedAt", "ttlMillis");
      assertThat(stored.getString("_id")).isEqualTo("nodes p:7");
      assertThat(stored.getLong("ttlMillis")).isEqualTo(15_005);
      assertThat(stored.get("renewedAt")).isInstanceOf(Date.class);
    }
  }

  @Test
  @DisplayName("a lease stored with a renewal long past by the server's clock is expired for every node")
  void pastRenewalIsExpired() {
    try (MongoClient client = MongoClients.create(server.uri())) {
      MongoCollection<Document> leases = client.getDatabase(server.database())
          .getCollection(prefix + "leases");
      MongoProjectionStore store = open();
      Instant longAgo = serverTime(client).minus(Duration.ofHours(1));
      leases.insertOne(new Document("_id", "nodes p0").append("group", "nodes").append("resource", "p0")
          .append("owner", "gone").append("epoch", 41L).append("renewedAt", Date.from(longAgo))
          .append("ttlMillis", Duration.ofMinutes(30).toMillis()));

      assertThat(store.leases("nodes")).singleElement().satisfies(seen -> {
        assertThat(seen.expired()).isTrue();
        assertThat(seen.remaining()).isLessThan(Duration.ofMinutes(-29));
      });
      Lease taken = store.acquireLease("nodes", "p0", "node-a", LONG).orElseThrow();
      assertThat(taken.epoch()).isEqualTo(42);
    }
  }

  @Test
  @DisplayName("the epoch grows each time a lease is taken afresh: by its owner after it expired, and after a release")
  void epochsOnlyGrow() {
    MongoProjectionStore store = open();
    Lease first = store.acquireLease("nodes", "p0", "node-a", SHORT).orElseThrow();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> store.leases("nodes").get(0).expired());

    Lease again = store.acquireLease("nodes", "p0", "node-a", LONG).orElseThrow();
    assertThat(store.releaseLease("nodes", "p0", "node-a")).isTrue();
    assertThat(store.leases("nodes")).as("released leases are not listed").isEmpty();
    Lease afterRelease = open().acquireLease("nodes", "p0", "node-b", LONG).orElseThrow();

    assertThat(again.epoch()).isGreaterThan(first.epoch());
    assertThat(afterRelease.epoch()).isGreaterThan(again.epoch());
  }

  @Test
  @DisplayName("of owners racing on separate connections for an expired or a released lease, exactly one gets it")
  void racesForExpiredAndReleasedLeases() throws Exception {
    int racers = 5;
    List<MongoProjectionStore> stores = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      stores.add(open());
    }
    MongoProjectionStore first = stores.get(0);
    for (int round = 0; round < 4; round++) {
      String resource = "r" + round;
      first.acquireLease("races", resource, "holder", SHORT).orElseThrow();
      if (round % 2 == 0) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> first.leases("races").stream()
                .anyMatch(lease -> lease.resource().equals(resource) && lease.expired()));
      } else {
        first.releaseLease("races", resource, "holder");
      }

      List<Optional<Lease>> results = race(stores, resource);

      assertThat(results.stream().filter(Optional::isPresent).count())
          .as("winners of round %d (%s)", round, round % 2 == 0 ? "expired" : "released").isEqualTo(1);
    }
  }

  private static List<Optional<Lease>> race(List<MongoProjectionStore> stores, String resource)
      throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(stores.size());
    try {
      CyclicBarrier start = new CyclicBarrier(stores.size());
      List<Future<Optional<Lease>>> futures = new ArrayList<>();
      for (int i = 0; i < stores.size(); i++) {
        MongoProjectionStore store = stores.get(i);
        String owner = "node-" + i;
        futures.add(executor.submit(() -> {
          start.await();
          return store.acquireLease("races", resource, owner, LONG);
        }));
      }
      List<Optional<Lease>> results = new ArrayList<>();
      for (Future<Optional<Lease>> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      executor.shutdownNow();
    }
  }
}
