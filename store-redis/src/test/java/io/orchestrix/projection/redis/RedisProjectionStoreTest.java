package io.orchestrix.projection.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.tck.StoreFixtures;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class RedisProjectionStoreTest {

  static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456Z");
  static final ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status", "customer"));

  private String prefix;
  private RedisProjectionStore store;

  @BeforeEach
  void openStore() {
    prefix = RedisTestServer.uniquePrefix();
    store = RedisTestServer.open(prefix);
    store.prepareReadModel(ORDERS);
  }

  @AfterEach
  void closeStore() {
    store.close();
    RedisTestServer.deleteKeys(prefix);
  }

  static StoredDocument order(String id, String status, String customer, long position) {
    return new StoredDocument(id, "{\"id\":\"" + id + "\",\"status\":\"" + status + "\"}",
        Map.of("status", status, "customer", customer), position);
  }

  static StoreFixtures.Change put(StoredDocument document) {
    return StoreFixtures.put("orders", document);
  }

  static ProjectionState at(String projectionId, long position) {
    return ProjectionState.initial(projectionId, NOW).processed("e" + position, position, NOW);
  }

  static DeadLetter deadLetter(String projectionId, long position) {
    return new DeadLetter(projectionId, position, "e" + position, "s1", "OrderPlaced",
        "{\"payload\":{}}", "handler", "java.lang.IllegalStateException", "boom: ü",
        "stack\ntrace", 2, NOW, NOW.plusSeconds(1));
  }

  @Test
  void claimWriterCreatesTheInitialStateAndReturnsGrowingTokens() {
    assertThat(store.loadState("p1")).isEmpty();
    long first = store.claimWriter("p1");
    long second = store.claimWriter("p1");
    assertThat(second).isGreaterThan(first);
    ProjectionState state = store.loadState("p1").orElseThrow();
    assertThat(state.lastProcessedPosition()).isZero();
    assertThat(state.healthy()).isTrue();
    assertThat(state.lastProcessedEventId()).isNull();
  }

  @Test
  void commitStoresDocumentsIndexesAndStateTogether() {
    long token = store.claimWriter("p1");
    store.commit(StoreFixtures.batch(token, 0, at("p1", 3), List.of(
        put(order("o1", "NEW", "c1", 1)), put(order("o2", "NEW", "c2", 2)),
        put(order("o3", "PAID", "c1", 3)))));

    assertThat(store.loadState("p1")).contains(at("p1", 3));
    assertThat(store.find("orders", "o1")).contains(order("o1", "NEW", "c1", 1));
    assertThat(store.count("orders")).isEqualTo(3);
    assertThat(store.findByIndex("orders", "status", "NEW")).extracting(StoredDocument::id)
        .containsExactly("o1", "o2");
    assertThat(store.findByIndex("orders", "customer", "c1")).extracting(StoredDocument::id)
        .containsExactly("o1", "o3");
    assertThat(store.findAll("orders", List.of("o3", "missing", "o1")))
        .containsOnlyKeys("o1", "o3")
        .containsEntry("o3", order("o3", "PAID", "c1", 3));
  }

  @Test
  void updatesAndDeletesKeepEveryIndexInStep() {
    long token = store.claimWriter("p1");
    store.commit(StoreFixtures.batch(token, 0, at("p1", 2), List.of(
        put(order("o1", "NEW", "c1", 1)), put(order("o2", "NEW", "c1", 2)))));
    StoredDocument withoutCustomer = new StoredDocument("o2", "{}", Map.of("status", "PAID"), 4);
    store.commit(StoreFixtures.batch(token, 2, at("p1", 4), List.of(
        put(order("o1", "SHIPPED", "c1", 3)), put(withoutCustomer))));
    store.commit(StoreFixtures.batch(token, 4, at("p1", 5), List.of(
        StoreFixtures.delete("orders", "o1"))));

    assertThat(store.findByIndex("orders", "status", "NEW")).isEmpty();
    assertThat(store.findByIndex("orders", "status", "SHIPPED")).isEmpty();
    assertThat(store.findByIndex("orders", "status", "PAID")).containsExactly(withoutCustomer);
    assertThat(store.findByIndex("orders", "customer", "c1")).isEmpty();
    assertThat(store.count("orders")).isEqualTo(1);
    try (RedisClient raw = RedisTestServer.rawClient()) {
      assertThat(RedisTestServer.keys(raw, prefix + "rm:orders:ix:"))
          .as("no empty index sets are left behind")
          .containsExactly(prefix + "rm:orders:ix:status:PAID");
      assertThat(raw.smembers(prefix + "rm:orders:ix:status:PAID"))
          .as("no stale index entries are left behind").containsExactly("o2");
      assertThat(RedisTestServer.keys(raw, prefix + "rm:orders:vals:"))
          .as("the registry of an index without values is gone")
          .containsExactly(prefix + "rm:orders:vals:status");
      assertThat(raw.smembers(prefix + "rm:orders:vals:status"))
          .as("the registry holds the values that have a set").containsExactly("PAID");
    }
  }

  @Test
  void refusedCommitsWriteNothing() {
    long old = store.claimWriter("p1");
    long token = store.claimWriter("p1");
    List<StoreFixtures.Change> changes = List.of(put(order("o1", "NEW", "c1", 1)));

    assertThatThrownBy(() -> store.commit(StoreFixtures.batch(old, 0, at("p1", 1), changes)))
        .isInstanceOfSatisfying(WriterFencedException.class, e -> {
          assertThat(e.writerToken()).isEqualTo(old);
          assertThat(e.currentToken()).isEqualTo(token);
        });
    assertThatThrownBy(() -> store.commit(StoreFixtures.batch(token, 7, at("p1", 8), changes)))
        .isInstanceOfSatisfying(CheckpointConflictException.class, e -> {
          assertThat(e.expectedPosition()).isEqualTo(7);
          assertThat(e.actualPosition()).isZero();
        });
    assertThat(store.count("orders")).isZero();
    assertThat(store.findByIndex("orders", "status", "NEW")).isEmpty();
    assertThat(store.loadState("p1").orElseThrow().lastProcessedPosition()).isZero();
  }

  @Test
  void pagesVisitEveryDocumentOnceInIdOrder() {
    long token = store.claimWriter("p1");
    List<StoreFixtures.Change> changes = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      changes.add(put(order(String.format("o%03d", (i * 7) % 25), "NEW", "c", i + 1)));
    }
    store.commit(StoreFixtures.batch(token, 0, at("p1", 25), changes));

    List<String> seen = new ArrayList<>();
    String after = null;
    List<StoredDocument> page;
    do {
      page = store.page("orders", after, 10);
      page.forEach(document -> seen.add(document.id()));
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == 10);
    assertThat(seen).hasSize(25).isSorted().doesNotHaveDuplicates();
    assertThat(store.page("orders", "o024", 10)).isEmpty();
    assertThat(store.page("orders", "o0", 2)).extracting(StoredDocument::id)
        .containsExactly("o000", "o001");
    assertThatThrownBy(() -> store.page("orders", null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }

  @Test
  void idsAndIndexValuesNeedNoEscaping() {
    long token = store.claimWriter("p1");
    StoredDocument odd = new StoredDocument("a:b*c [x] \u00e9\uD83D\uDE00",
        "{\"text\":\"quote \\\" and \u00fc\"}", Map.of("status", "x:y*", "customer", ""), 1);
    store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(odd))));

    assertThat(store.find("orders", odd.id())).contains(odd);
    assertThat(store.findByIndex("orders", "status", "x:y*")).containsExactly(odd);
    assertThat(store.findByIndex("orders", "status", "x:y")).isEmpty();
    assertThat(store.findByIndex("orders", "customer", "")).containsExactly(odd);
  }

  @Test
  void deadLettersAreAddedReplacedRemovedAndListedByPosition() {
    long token = store.claimWriter("p1");
    store.commit(Commit.batch(token, 0, at("p1", 12), List.of(),
        List.of(deadLetter("p1", 12), deadLetter("p1", 3), deadLetter("p1", 7))));
    store.commit(Commit.deadLetterUpdate(token, at("p1", 12), List.of(),
        List.of(deadLetter("p1", 3)), List.of(7L)));

    assertThat(store.deadLetters("p1")).containsExactly(deadLetter("p1", 3), deadLetter("p1", 12));
    assertThat(store.deadLetters("other")).isEmpty();
  }

  @Test
  void resetClearsReadModelsAndDeadLettersAndMayMoveTheCheckpointBack() {
    long token = store.claimWriter("p1");
    store.commit(Commit.batch(token, 0, at("p1", 5), StoreFixtures.grouped(
        List.of(put(order("o1", "NEW", "c1", 1)), put(order("o2", "PAID", "c2", 2)))),
        List.of(deadLetter("p1", 4))));

    store.commit(Commit.reset(token, 5, at("p1", 0), Set.of("orders")));
    store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o3", "NEW", "c3", 1)))));

    assertThat(store.loadState("p1").orElseThrow().lastProcessedPosition()).isEqualTo(1);
    assertThat(store.count("orders")).isEqualTo(1);
    assertThat(store.findByIndex("orders", "status", "NEW")).extracting(StoredDocument::id)
        .containsExactly("o3");
    assertThat(store.findByIndex("orders", "status", "PAID")).isEmpty();
    assertThat(store.page("orders", null, 10)).extracting(StoredDocument::id).containsExactly("o3");
    assertThat(store.deadLetters("p1")).isEmpty();
    try (RedisClient raw = RedisTestServer.rawClient()) {
      assertThat(RedisTestServer.keys(raw, prefix + "rm:orders:ix:"))
          .as("the sets of the values before the reset are gone")
          .containsExactlyInAnyOrder(prefix + "rm:orders:ix:status:NEW",
              prefix + "rm:orders:ix:customer:c3");
      assertThat(raw.smembers(prefix + "rm:orders:vals:status")).containsExactly("NEW");
      assertThat(raw.smembers(prefix + "rm:orders:vals:customer")).containsExactly("c3");
    }
  }

  @Test
  void queriesByIndexReturnDocumentsInTheOrderOfPages() {
    long token = store.claimWriter("p1");
    // UTF-16 puts the emoji (a surrogate pair) before U+FF5E; UTF-8 bytes, and so pages, after it
    List<String> ids = List.of("b", "a", "\uD83D\uDE00", "\uFF5E", "a0", "B");
    List<StoreFixtures.Change> changes = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      changes.add(put(order(ids.get(i), "NEW", "c", i + 1)));
    }
    store.commit(StoreFixtures.batch(token, 0, at("p1", ids.size()), changes));

    List<String> paged = store.page("orders", null, 10).stream().map(StoredDocument::id).toList();
    assertThat(paged).containsExactly("B", "a", "a0", "b", "\uFF5E", "\uD83D\uDE00");
    assertThat(store.findByIndex("orders", "status", "NEW")).extracting(StoredDocument::id)
        .containsExactlyElementsOf(paged);
  }

  @Test
  void commitsCheckIndexSetTypesEvenWhenTheKeyNamedAsAbsentHoldsSomething() {
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.set(prefix + "none", "not a set");
    }
    long token = store.claimWriter("p1");
    store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c1", 1)))));
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.set(prefix + "rm:orders:ix:status:PAID", "x");
    }

    assertThatThrownBy(() -> store.commit(StoreFixtures.batch(token, 1, at("p1", 2),
        List.of(put(order("o1", "PAID", "c1", 2))))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'" + prefix + "rm:orders:ix:status:PAID'");
    assertThat(store.findByIndex("orders", "status", "NEW")).extracting(StoredDocument::id)
        .containsExactly("o1");
    assertThat(store.loadState("p1").orElseThrow().lastProcessedPosition()).isEqualTo(1);
  }

  @Test
  void dataOfAnOlderKeyLayoutIsRefusedAtOpenNamingWhatToDo() {
    String old = prefix + "old:";
    try (RedisClient raw = RedisTestServer.rawClient()) {
      raw.hset(old + "meta", Map.of("layout", "1"));
    }

    assertThatThrownBy(() -> RedisTestServer.open(old))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("older version").hasMessageContaining("layout 1")
        .hasMessageContaining("'" + old + "'").hasMessageContaining("replay");
  }

  @Test
  void saveStateOverwritesTheStateButKeepsTheWriterToken() {
    long token = store.claimWriter("p1");
    ProjectionState failed = at("p1", 9).failed(10, "boom", NOW);
    store.saveState(failed);
    assertThat(store.loadState("p1")).contains(failed);
    store.saveState(ProjectionState.initial("p1", NOW));
    assertThat(store.loadState("p1")).contains(ProjectionState.initial("p1", NOW));

    store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of()));
    assertThat(store.loadState("p1")).contains(at("p1", 1));
  }

  @Test
  void aSuppliedClientIsUsedAndLeftOpen() {
    try (RedisClient client = RedisTestServer.rawClient()) {
      RedisProjectionStore supplied = RedisProjectionStore.create(client,
          RedisStoreOptions.builder().keyPrefix(prefix).build());
      supplied.prepareReadModel(ORDERS);
      long token = supplied.claimWriter("p2");
      supplied.commit(StoreFixtures.batch(token, 0, at("p2", 1), List.of(put(order("o1", "NEW", "c", 1)))));
      supplied.close();
      assertThat(client.ping()).isEqualTo("PONG");
      assertThat(store.find("orders", "o1")).isPresent();
      assertThat(supplied.description()).contains(prefix).doesNotContain("password");
    }
  }

  @Test
  void aBatchOfAThousandEventsLoadsAndCommitsInOneRoundTripEach() {
    List<StoreFixtures.Change> changes = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Map<String, String> lastCustomer = new java.util.HashMap<>();
    for (int i = 0; i < 1000; i++) {
      changes.add(put(order("o" + (i % 280), i % 3 == 0 ? "NEW" : "PAID", "c" + (i % 50), i + 1)));
      ids.add("o" + (i % 280));
      lastCustomer.put("o" + (i % 280), "c" + (i % 50));
    }
    try (CountingClient client = new CountingClient()) {
      RedisProjectionStore counted = RedisProjectionStore.create(client,
          RedisStoreOptions.builder().keyPrefix(prefix).build());
      counted.prepareReadModel(ORDERS);
      long token = counted.claimWriter("p1");
      counted.commit(StoreFixtures.batch(token, 0, at("p1", 1000), changes)); // loads the script if needed

      client.commands.set(0);
      assertThat(counted.findAll("orders", ids)).hasSize(280);
      counted.commit(StoreFixtures.batch(token, 1000, at("p1", 2000), changes));
      assertThat(client.commands).as("commands to load and commit a batch").hasValue(2);
    }
    assertThat(store.count("orders")).isEqualTo(280);
    assertThat(store.findByIndex("orders", "customer", "c7")).extracting(StoredDocument::id)
        .containsExactlyElementsOf(lastCustomer.entrySet().stream()
            .filter(e -> e.getValue().equals("c7")).map(Map.Entry::getKey).sorted().toList());
  }

}
