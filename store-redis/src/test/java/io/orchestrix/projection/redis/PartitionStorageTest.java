package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.ORDERS;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.order;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.StoreFixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * How the Redis store keeps the partition of each document: the value's {@code p{k}:} mark, the set
 * of ids per partition and its registry, kept in step by every commit and reset, and data written
 * before partitions existed (key layout 2), which opens as layout 3 and is unpartitioned.
 */
class PartitionStorageTest {

  private String prefix;
  private RedisProjectionStore store;
  private RedisClient raw;

  @BeforeEach
  void openStore() {
    prefix = RedisTestServer.uniquePrefix();
    store = RedisTestServer.open(prefix);
    store.prepareReadModel(ORDERS);
    raw = RedisTestServer.rawClient();
  }

  @AfterEach
  void closeStore() {
    store.close();
    raw.close();
    RedisTestServer.deleteKeys(prefix);
  }

  private static String key(int partition) {
    return ProjectionIds.partitionKey("split", partition);
  }

  private static Commit partitionCommit(int partition, long token, long from, long to,
      List<StoreFixtures.Change> changes) {
    return StoreFixtures.batch(token, from, at(key(partition), to), changes).inPartition(partition);
  }

  private Set<String> partitionSet(int partition) {
    return raw.smembers(prefix + "rm:orders:part:" + partition);
  }

  private Set<String> registry() {
    return raw.smembers(prefix + "rm:orders:parts");
  }

  @Test
  void aPartitionsDocumentsAreMarkedAndListedInItsSetWhichEmptiesWithThem() {
    long token = store.claimWriter(key(4));
    store.commit(partitionCommit(4, token, 0, 1, List.of(put(order("a", "NEW", "c", 1)),
        put(order("b", "NEW", "c", 1)))));

    assertThat(raw.hget(prefix + "rm:orders:docs", "a")).startsWith("p4:1:");
    assertThat(partitionSet(4)).containsExactlyInAnyOrder("a", "b");
    assertThat(registry()).containsExactly("4");
    assertThat(store.find("orders", "a").orElseThrow().indexValues())
        .isEqualTo(Map.of("status", "NEW", "customer", "c"));

    store.commit(partitionCommit(4, token, 1, 2, List.of(StoreFixtures.delete("orders", "a"),
        StoreFixtures.delete("orders", "b"))));

    assertThat(raw.exists(prefix + "rm:orders:part:4")).isFalse();
    assertThat(registry()).isEmpty();
    assertThat(store.count("orders")).isZero();
  }

  @Test
  void anUnpartitionedCommitTakesAPartitionsDocumentOverAndAnyPartitionMayThenWriteIt() {
    long token = store.claimWriter(key(0));
    store.commit(partitionCommit(0, token, 0, 1, List.of(put(order("a", "NEW", "c", 1)))));
    long plain = store.claimWriter("plain");

    store.commit(StoreFixtures.batch(plain, 0, at("plain", 1), List.of(put(order("a", "PAID", "c", 1)))));

    assertThat(raw.hget(prefix + "rm:orders:docs", "a")).startsWith("1:");
    assertThat(registry()).isEmpty();
    long other = store.claimWriter(key(1));
    store.commit(partitionCommit(1, other, 0, 2, List.of(put(order("a", "SHIPPED", "c", 2)))));
    assertThat(partitionSet(1)).containsExactly("a");
    assertThat(store.findByIndex("orders", "status", "SHIPPED")).extracting(StoredDocument::id)
        .containsExactly("a");
  }

  @Test
  void aConflictInTheSecondReadModelOfACommitWritesNothingOfTheFirst() {
    store.prepareReadModel(new io.orchestrix.projection.spi.ReadModelSchema("notes", List.of()));
    long zero = store.claimWriter(key(0));
    store.commit(partitionCommit(0, zero, 0, 1, List.of(StoreFixtures.put("notes", order("n", "NEW", "c", 1)))));
    long one = store.claimWriter(key(1));

    assertThatThrownBy(() -> store.commit(partitionCommit(1, one, 0, 2, List.of(
        put(order("mine", "NEW", "c", 2)), StoreFixtures.put("notes", order("n", "PAID", "c", 2))))))
        .isInstanceOfSatisfying(PartitionConflictException.class, conflict -> {
          assertThat(conflict.readModel()).isEqualTo("notes");
          assertThat(conflict.projectionId()).contains(key(1));
        });

    assertThat(store.count("orders")).isZero();
    assertThat(raw.exists(prefix + "rm:orders:part:1")).isFalse();
    assertThat(store.loadState(key(1)).orElseThrow().lastProcessedPosition()).isZero();
  }

  @Test
  void anUnpartitionedResetDeletesThePartitionSetsAndTheirRegistry() {
    long token = store.claimWriter(key(0));
    store.commit(partitionCommit(0, token, 0, 1, List.of(put(order("a", "NEW", "c", 1)))));
    long plain = store.claimWriter("plain");

    store.commit(Commit.reset(plain, 0, at("plain", 0), Set.of("orders")));

    assertThat(RedisTestServer.keys(raw, prefix + "rm:orders:"))
        .containsExactlyInAnyOrder(prefix + "rm:orders:indexes");
  }

  @Test
  void aPartitionResetReadsOnlyItsOwnSetAndLeavesTheOthersIndexesWhole() {
    long zero = store.claimWriter(key(0));
    long one = store.claimWriter(key(1));
    store.commit(partitionCommit(0, zero, 0, 1, List.of(put(order("a", "NEW", "c1", 1)))));
    store.commit(partitionCommit(1, one, 0, 1, List.of(put(order("b", "NEW", "c1", 1)))));

    store.commit(Commit.reset(zero, 1, at(key(0), 0), Set.of("orders")).inPartition(0));

    assertThat(raw.exists(prefix + "rm:orders:part:0")).isFalse();
    assertThat(registry()).containsExactly("1");
    assertThat(store.findByIndex("orders", "customer", "c1")).extracting(StoredDocument::id)
        .containsExactly("b");
    assertThat(store.page("orders", null, 10)).extracting(StoredDocument::id).containsExactly("b");
  }

  @Test
  void aPartitionSetOfTheWrongTypeRefusesTheCommitNamingIt() {
    String set = prefix + "rm:orders:part:2";
    raw.set(set, "x");
    long token = store.claimWriter(key(2));

    assertThatThrownBy(() -> store.commit(partitionCommit(2, token, 0, 1,
        List.of(put(order("a", "NEW", "c", 1))))))
        .isInstanceOf(StoreException.class).hasMessageContaining("'" + set + "'");
    assertThat(store.count("orders")).isZero();
  }

  /** The keys layout 2 wrote for one document o1 (status NEW, customer c1) at position 1. */
  private void writeLayoutTwo(String old) {
    raw.hset(old + "meta", Map.of("layout", "2"));
    raw.hset(old + "rm:orders:docs", "o1",
        "1:2:customer:2:c1status:3:NEW{\"id\":\"o1\",\"status\":\"NEW\"}");
    raw.zadd(old + "rm:orders:ids", 0, "o1");
    raw.sadd(old + "rm:orders:indexes", "status", "customer");
    raw.sadd(old + "rm:orders:vals:status", "NEW");
    raw.sadd(old + "rm:orders:vals:customer", "c1");
    raw.sadd(old + "rm:orders:ix:status:NEW", "o1");
    raw.sadd(old + "rm:orders:ix:customer:c1", "o1");
    raw.hset(old + "state:p1", Map.of("pos", "1", "tok", "1"));
  }

  @Test
  void dataOfLayoutTwoOpensAsLayoutThreeWithItsDocumentsUnpartitioned() {
    String old = prefix + "two:";
    writeLayoutTwo(old);

    try (RedisProjectionStore upgraded = RedisTestServer.open(old)) {
      upgraded.prepareReadModel(ORDERS);

      assertThat(raw.hget(old + "meta", "layout")).isEqualTo("3");
      assertThat(upgraded.find("orders", "o1").orElseThrow())
          .isEqualTo(order("o1", "NEW", "c1", 1));
      long token = upgraded.claimWriter(key(3));
      upgraded.commit(partitionCommit(3, token, 0, 2, List.of(put(order("o1", "PAID", "c1", 2)))));
      assertThat(upgraded.findByIndex("orders", "status", "PAID")).extracting(StoredDocument::id)
          .containsExactly("o1");
      assertThat(upgraded.findByIndex("orders", "status", "NEW")).isEmpty();
      upgraded.commit(Commit.reset(token, 2, at(key(3), 0), Set.of("orders")).inPartition(3));
      assertThat(upgraded.count("orders")).isZero();
    }
    RedisTestServer.open(old).close();
    assertThat(raw.hget(old + "meta", "layout")).as("layout after a second open").isEqualTo("3");
  }
}
