package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.OrderSummaryFixture.BROKEN;
import static io.orchestrix.projection.tck.OrderSummaryFixture.ORDER_SUMMARY;
import static io.orchestrix.projection.tck.OrderSummaryFixture.envelopes;
import static io.orchestrix.projection.tck.OrderSummaryFixture.exampleEvents;
import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.abbreviate;
import static io.orchestrix.projection.tck.StoreFixtures.assertSameDocument;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.contents;
import static io.orchestrix.projection.tck.StoreFixtures.deadLetter;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.grouped;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.quote;
import static io.orchestrix.projection.tck.StoreFixtures.snapshot;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.OrderSummaryFixture.Item;
import io.orchestrix.projection.tck.OrderSummaryFixture.OrderConfirmed;
import io.orchestrix.projection.tck.OrderSummaryFixture.OrderCreated;
import io.orchestrix.projection.tck.OrderSummaryFixture.OrderSummary;
import io.orchestrix.projection.tck.OrderSummaryFixture.Poison;
import io.orchestrix.projection.tck.OrderSummaryFixture.Unserialisable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ProjectionStore} meets, as JUnit 5 tests. A store module runs it by
 * extending this class and saying how to open its store:
 *
 * <pre>{@code
 * class MyStoreContractTest extends ProjectionStoreContract {
 *   private String prefix;
 *
 *   @BeforeEach void freshData() { prefix = "t" + UUID.randomUUID().toString().substring(0, 8); }
 *   @AfterEach void dropData() { ... drop what prefix names ... }
 *
 *   @Override protected ProjectionStore openStore() { return MyStore.open(url, prefix); }
 * }
 * }</pre>
 *
 * <p>Rules for {@link #openStore()}: each test starts from empty data, and every call within one test
 * opens a new store instance over that test's data (several instances stand for several processes).
 * The kit closes every store it opened after each test. Optional hooks ({@link
 * #openStoreFailingAfterWrites}, {@link #makeStoredSchemaNewerThanCode}) let the kit inject faults; a
 * test whose hook a store does not provide is aborted (reported as skipped) with the reason, never
 * passed silently.
 *
 * <p>The groups are nested classes: {@link State}, {@link ReadModels}, {@link Atomicity}, {@link
 * Fencing}, {@link Resets}, {@link DeadLetters}, {@link Schema} and {@link EngineEndToEnd}, which runs
 * the engine of projection-core on the store.
 */
public abstract class ProjectionStoreContract {

  /** The read model with two indexes that most tests use. */
  protected static final ReadModelSchema ORDERS =
      new ReadModelSchema("orders", List.of("status", "customer_id"));
  /** A read model without indexes. */
  protected static final ReadModelSchema NOTES = new ReadModelSchema("notes", List.of());
  /** The projection most tests commit for. */
  protected static final String PROJECTION = "order-summary";

  private final List<ProjectionStore> opened = Collections.synchronizedList(new ArrayList<>());
  private @Nullable ProjectionStore store;

  /**
   * Opens a new store instance over the current test's data. Each test starts from empty data;
   * several calls within one test share it.
   */
  protected abstract ProjectionStore openStore();

  /**
   * Opens a store over the current test's data whose writes succeed {@code writes} times and then
   * fail with a {@link StoreException}, as a crash after that many writes would. A write is whatever
   * the store sends to make a change (a statement or batch of statements, a command); the kit calls
   * only {@link ProjectionStore#commit} on it, for read models another instance has prepared, and
   * counts on the failure to leave nothing of the commit visible. Override to let the kit check atomicity; the default
   * aborts the calling test.
   */
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    Assumptions.abort(getClass().getSimpleName()
        + " does not override openStoreFailingAfterWrites(int), so atomicity under failure is not"
        + " checked");
    throw new AssertionError("unreachable");
  }

  /**
   * Whether readers never see part of a commit, even one cut short or refused. True by default, as
   * {@link ProjectionStore} requires. A store without multi-document transactions, which keeps
   * exactly-once effect through {@link StoredDocument#position()} instead, overrides this to return
   * false: the kit then aborts the tests that check all-or-nothing visibility, with that reason.
   */
  protected boolean commitsAreAtomic() {
    return true;
  }

  private void assumeAtomicCommits() {
    Assumptions.assumeTrue(commitsAreAtomic(), getClass().getSimpleName()
        + " declares that readers may see part of a commit (commitsAreAtomic() is false)");
  }

  /**
   * Marks the current test's stored schema as written by a newer version of the store, so that the
   * next {@link #openStore()} must refuse it. Override if the store versions its schema; the default
   * aborts the calling test.
   */
  protected void makeStoredSchemaNewerThanCode() {
    Assumptions.abort(getClass().getSimpleName()
        + " does not override makeStoredSchemaNewerThanCode(), so refusing a newer schema is not"
        + " checked");
  }

  /** The store of this test, opened on first use, with {@link #ORDERS} and {@link #NOTES} prepared. */
  protected final ProjectionStore store() {
    if (store == null) {
      store = track(openStore());
      store.prepareReadModel(ORDERS);
      store.prepareReadModel(NOTES);
    }
    return store;
  }

  /** Opens another instance over the same data; the kit closes it after the test. */
  protected final ProjectionStore anotherStore() {
    ProjectionStore another = track(openStore());
    another.prepareReadModel(ORDERS);
    another.prepareReadModel(NOTES);
    return another;
  }

  private ProjectionStore track(ProjectionStore opened) {
    assertThat(opened).as("openStore() returned null").isNotNull();
    this.opened.add(opened);
    return opened;
  }

  @AfterEach
  void closeStores() {
    List<ProjectionStore> toClose;
    synchronized (opened) {
      toClose = new ArrayList<>(opened);
      opened.clear();
    }
    for (ProjectionStore each : toClose) {
      each.close();
    }
    store = null;
  }

  /** Commits puts of documents into a read model, claiming a writer and moving the checkpoint by one. */
  protected final void seed(ProjectionStore target, String readModel, List<StoredDocument> documents) {
    long token = target.claimWriter(PROJECTION);
    long from = target.loadState(PROJECTION).orElseThrow().lastProcessedPosition();
    target.commit(commit(PROJECTION, token, from, from + 1,
        documents.stream().map(d -> put(readModel, d)).collect(Collectors.toList())));
  }

  private static <T> List<T> runConcurrently(int threads, Callable<T> task) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(executor.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return task.call();
        }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        try {
          results.add(future.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          // an aborted or failed task fails the test for its own reason, not as "ExecutionException"
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw e;
        }
      }
      return results;
    } finally {
      executor.shutdownNow();
    }
  }

  /** Save, load and overwrite projection state. */
  @Nested
  @DisplayName("state")
  class State {

    @Test
    @DisplayName("an unknown projection has no state")
    void unknownProjectionHasNoState() {
      assertThat(store().loadState("never-stored")).isEmpty();
    }

    @Test
    @DisplayName("a saved state loads back equal, nullable fields and nanoseconds included")
    void savedStateLoadsBackEqual() {
      ProjectionState initial = ProjectionState.initial("p-initial", T0);
      ProjectionState full = new ProjectionState("p.full_1-X", "evt-ü-42", 42, 3, false,
          "IllegalStateException: boom \"quoted\" 'single' ünïcödé", 43, T0.plusNanos(1));
      store().saveState(initial);
      store().saveState(full);

      assertThat(store().loadState("p-initial")).contains(initial);
      assertThat(store().loadState("p.full_1-X")).contains(full);
    }

    @Test
    @DisplayName("saving again overwrites the state")
    void saveOverwrites() {
      store().saveState(stateAt("p", 5));
      ProjectionState later = stateAt("p", 9).failed(10, "boom", T0.plusSeconds(99));
      store().saveState(later);

      assertThat(store().loadState("p")).contains(later);
    }

    @Test
    @DisplayName("many projections are kept side by side")
    void manyProjectionsSideBySide() {
      for (int i = 1; i <= 40; i++) {
        store().saveState(stateAt("projection-" + i, i * 10L));
      }
      for (int i = 1; i <= 40; i++) {
        assertThat(store().loadState("projection-" + i).orElseThrow().lastProcessedPosition())
            .as("checkpoint of projection-%d", i).isEqualTo(i * 10L);
      }
    }

    @Test
    @DisplayName("state survives into a new store instance")
    void stateSurvivesNewInstance() {
      store().saveState(stateAt("p", 7));
      store().close();

      assertThat(anotherStore().loadState("p")).contains(stateAt("p", 7));
    }

    @Test
    @DisplayName("claiming a writer creates the initial state if there is none")
    void claimCreatesInitialState() {
      store().claimWriter("fresh");

      ProjectionState state = store().loadState("fresh").orElseThrow();
      assertThat(state.lastProcessedPosition()).isZero();
      assertThat(state.healthy()).isTrue();
      assertThat(state.lastProcessedEventId()).isNull();
    }

    @Test
    @DisplayName("claiming a writer keeps an existing checkpoint")
    void claimKeepsCheckpoint() {
      store().saveState(stateAt("p", 12));
      store().claimWriter("p");

      assertThat(store().loadState("p")).contains(stateAt("p", 12));
    }
  }

  /** Documents: put, find, delete, update, index queries, count, paging, awkward content. */
  @Nested
  @DisplayName("read models")
  class ReadModels {

    @Test
    @DisplayName("a committed document is found by id, with its JSON, index values and position")
    void putThenFind() {
      StoredDocument order = order("o-1", "PLACED", "c-1", 100, 1);
      seed(store(), "orders", List.of(order));

      assertSameDocument(store().find("orders", "o-1").orElse(null), order);
      assertSameDocument(anotherStore().find("orders", "o-1").orElse(null), order);
    }

    @Test
    @DisplayName("an unknown id is not found and an empty read model counts 0")
    void unknownIdNotFound() {
      assertThat(store().find("orders", "missing")).isEmpty();
      assertThat(store().count("orders")).isZero();
      assertThat(store().page("orders", null, 10)).isEmpty();
      assertThat(store().findAll("orders", List.of("missing"))).isEmpty();
      assertThat(store().findByIndex("orders", "status", "PLACED")).isEmpty();
    }

    @Test
    @DisplayName("putting a document again replaces it and its index values")
    void updateReplaces() {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c-1", 100, 1)));
      StoredDocument shipped = order("o-1", "SHIPPED", "c-2", 150, 2);
      seed(store(), "orders", List.of(shipped));

      assertSameDocument(store().find("orders", "o-1").orElse(null), shipped);
      assertThat(store().count("orders")).isEqualTo(1);
      assertThat(store().findByIndex("orders", "status", "PLACED")).isEmpty();
      assertThat(store().findByIndex("orders", "customer_id", "c-1")).isEmpty();
      assertThat(ids(store().findByIndex("orders", "status", "SHIPPED"))).containsExactly("o-1");
      assertThat(ids(store().findByIndex("orders", "customer_id", "c-2"))).containsExactly("o-1");
    }

    @Test
    @DisplayName("a deleted document is gone from find, indexes and count; deleting a missing one is fine")
    void deleteRemoves() {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c-1", 1, 1), order("o-2", "PLACED", "c-1", 2, 1)));
      long token = store().claimWriter(PROJECTION);
      store().commit(commit(PROJECTION, token, 1, 2,
          List.of(delete("orders", "o-1"), delete("orders", "never-existed"))));

      assertThat(store().find("orders", "o-1")).isEmpty();
      assertThat(store().count("orders")).isEqualTo(1);
      assertThat(ids(store().findByIndex("orders", "status", "PLACED"))).containsExactly("o-2");
      assertThat(ids(store().findByIndex("orders", "customer_id", "c-1"))).containsExactly("o-2");
    }

    @Test
    @DisplayName("findAll returns the existing documents among the ids asked, by id")
    void findAllReturnsExisting() {
      List<StoredDocument> orders = IntStream.range(0, 30)
          .mapToObj(i -> order("o-" + i, "PLACED", "c-" + i % 4, i, 1)).collect(Collectors.toList());
      seed(store(), "orders", orders);

      List<String> asked = new ArrayList<>();
      for (int i = 0; i < 30; i += 3) {
        asked.add("o-" + i);
        asked.add("absent-" + i);
      }
      Map<String, StoredDocument> found = store().findAll("orders", asked);

      assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(
          asked.stream().filter(id -> id.startsWith("o-")).collect(Collectors.toList()));
      found.forEach((id, document) -> assertSameDocument(document, orders.get(Integer.parseInt(id.substring(2)))));
      assertThat(store().findAll("orders", List.of())).isEmpty();
    }

    @Test
    @DisplayName("findByIndex answers for each declared index, in id order")
    void findByEachIndex() {
      seed(store(), "orders", List.of(
          order("b", "PLACED", "c-1", 1, 1), order("a", "PLACED", "c-2", 2, 1),
          order("c", "SHIPPED", "c-1", 3, 1), order("d", "CANCELLED", "c-3", 4, 1)));

      assertThat(ids(store().findByIndex("orders", "status", "PLACED"))).containsExactly("a", "b");
      assertThat(ids(store().findByIndex("orders", "status", "SHIPPED"))).containsExactly("c");
      assertThat(ids(store().findByIndex("orders", "customer_id", "c-1"))).containsExactly("b", "c");
      assertThat(ids(store().findByIndex("orders", "customer_id", "c-3"))).containsExactly("d");
      assertThat(store().findByIndex("orders", "customer_id", "C-1")).as("index values are case-sensitive").isEmpty();
      assertSameDocument(store().findByIndex("orders", "customer_id", "c-3").get(0), order("d", "CANCELLED", "c-3", 4, 1));
    }

    @Test
    @DisplayName("a document without a value for an index is not found under it")
    void absentIndexValueNotIndexed() {
      StoredDocument partial = doc("p-1", "{\"status\":\"PLACED\"}", Map.of("status", "PLACED"), 1);
      seed(store(), "orders", List.of(partial));

      assertSameDocument(store().find("orders", "p-1").orElse(null), partial);
      assertThat(ids(store().findByIndex("orders", "status", "PLACED"))).containsExactly("p-1");
      assertThat(store().findByIndex("orders", "customer_id", "")).isEmpty();
      assertThat(store().findByIndex("orders", "customer_id", "null")).isEmpty();
    }

    @Test
    @DisplayName("querying an index that was not declared is refused")
    void undeclaredIndexRefused() {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c-1", 1, 1)));

      assertThatThrownBy(() -> store().findByIndex("orders", "total", "1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("total");
    }

    @Test
    @DisplayName("count follows puts and deletes")
    void countFollowsChanges() {
      seed(store(), "notes", IntStream.range(0, 25)
          .mapToObj(i -> doc("n-" + i, "{\"n\":" + i + "}", Map.of(), 1)).collect(Collectors.toList()));
      assertThat(store().count("notes")).isEqualTo(25);

      long token = store().claimWriter(PROJECTION);
      store().commit(commit(PROJECTION, token, 1, 2,
          List.of(delete("notes", "n-0"), delete("notes", "n-1"), put("notes", doc("n-99", "{}", Map.of(), 2)))));
      assertThat(store().count("notes")).isEqualTo(24);
      assertThat(store().count("orders")).isZero();
    }

    @Test
    @DisplayName("paging visits each document exactly once, whatever the page size")
    void pagingVisitsEachOnce() {
      List<String> expected = new ArrayList<>(awkwardIds());
      for (int i = 0; i < 200; i++) {
        expected.add(Integer.toString(i * 7919 % 1000, 36) + "-" + i);
      }
      seed(store(), "notes", expected.stream()
          .map(id -> doc(id, "{\"id\":" + quote(id) + "}", Map.of(), 1)).collect(Collectors.toList()));

      for (int pageSize : new int[] {1, 7, 100, 1000}) {
        List<String> visited = new ArrayList<>();
        String after = null;
        while (true) {
          List<StoredDocument> page = store().page("notes", after, pageSize);
          assertThat(page.size()).as("page size").isLessThanOrEqualTo(pageSize);
          page.forEach(d -> visited.add(d.id()));
          if (page.size() < pageSize) {
            break;
          }
          after = page.get(page.size() - 1).id();
        }
        assertThat(visited).as("ids visited with page size %d", pageSize)
            .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(anotherStore().page("notes", null, 1000)).extracting(StoredDocument::id)
            .as("the order is the same for every call").containsExactlyElementsOf(visited);
      }
    }

    @Test
    @DisplayName("unicode in documents, ids and index values round-trips")
    void unicodeRoundTrips() {
      StoredDocument document = doc("ключ-🔑-日本", "{\"name\":\"Zoë Ünïcödé 日本語 🎉\",\"quote\":\"\\\"q\\\"\",\"tab\":\"a\\tb\"}",
          Map.of("status", "ÉTAT-✓", "customer_id", "客户-𝄞"), 1);
      seed(store(), "orders", List.of(document));

      assertSameDocument(store().find("orders", document.id()).orElse(null), document);
      assertThat(ids(store().findByIndex("orders", "status", "ÉTAT-✓"))).containsExactly(document.id());
      assertThat(ids(store().findByIndex("orders", "customer_id", "客户-𝄞"))).containsExactly(document.id());
    }

    @Test
    @DisplayName("a 1 MiB document round-trips")
    void largeDocumentRoundTrips() {
      StringBuilder json = new StringBuilder("{\"lines\":[");
      Random random = new Random(42);
      while (json.length() < 1024 * 1024) {
        json.append('"').append(Long.toString(random.nextLong(), 36)).append("-ü\",");
      }
      json.append("\"end\"]}");
      StoredDocument big = doc("big", json.toString(), Map.of(), 1);
      store().checkDocument("notes", big);
      seed(store(), "notes", List.of(big));

      assertSameDocument(anotherStore().find("notes", "big").orElse(null), big);
    }

    @Test
    @DisplayName("ids that need escaping are kept apart and found exactly")
    void awkwardIdsRoundTrip() {
      List<String> awkward = awkwardIds();
      seed(store(), "orders", awkward.stream()
          .map(id -> doc(id, "{\"id\":" + quote(id) + "}", Map.of("status", id), 1))
          .collect(Collectors.toList()));

      assertThat(store().count("orders")).isEqualTo(awkward.size());
      for (String id : awkward) {
        StoredDocument found = store().find("orders", id).orElse(null);
        assertThat(found).as("document '%s'", abbreviate(id)).isNotNull();
        assertThat(found.id()).isEqualTo(id);
        assertThat(ids(store().findByIndex("orders", "status", id))).as("index value '%s'", abbreviate(id))
            .containsExactly(id);
      }
      assertThat(store().findAll("orders", awkward).keySet()).containsExactlyInAnyOrderElementsOf(awkward);
      assertThat(store().find("orders", "%")).as("no pattern matching on ids").isEmpty();
      assertThat(store().find("orders", "*")).isEmpty();
    }

    @Test
    @DisplayName("read models are kept apart: the same id in two read models are two documents")
    void readModelsApart() {
      seed(store(), "orders", List.of(order("same", "PLACED", "c-1", 1, 1)));
      seed(store(), "notes", List.of(doc("same", "{\"note\":true}", Map.of(), 2)));

      assertThat(StoreFixtures.tree(store().find("orders", "same").orElseThrow().json()).has("status")).isTrue();
      assertThat(StoreFixtures.tree(store().find("notes", "same").orElseThrow().json()).has("note")).isTrue();
      assertThat(store().count("orders")).isEqualTo(1);
      assertThat(store().count("notes")).isEqualTo(1);
    }

    @Test
    @DisplayName("in one commit, the last change to an id wins")
    void lastChangeWins() {
      seed(store(), "orders", List.of(order("kept", "PLACED", "c", 1, 1), order("gone", "PLACED", "c", 1, 1)));
      long token = store().claimWriter(PROJECTION);
      StoredDocument finalKept = order("kept", "SHIPPED", "c", 3, 2);
      store().commit(commit(PROJECTION, token, 1, 2, List.of(
          delete("orders", "kept"), put("orders", order("kept", "PAID", "c", 2, 2)), put("orders", finalKept),
          put("orders", order("gone", "PAID", "c", 2, 2)), delete("orders", "gone"),
          put("orders", order("new", "PLACED", "c", 1, 2)), delete("orders", "new"))));

      assertSameDocument(store().find("orders", "kept").orElse(null), finalKept);
      assertThat(store().find("orders", "gone")).isEmpty();
      assertThat(store().find("orders", "new")).isEmpty();
      assertThat(ids(store().findByIndex("orders", "status", "SHIPPED"))).containsExactly("kept");
      assertThat(store().findByIndex("orders", "status", "PAID")).isEmpty();
    }
  }

  /** Ids that need escaping in keys, queries or URLs. */
  protected static List<String> awkwardIds() {
    return List.of("with space", " leading", "trailing ", "a", "A", "a ", "quote'single", "quote\"double",
        "back\\slash", "per%cent", "under_score", "slash/and/more", "colon:and:more", "semi;colon",
        "star*", "question?", "hash#", "amp&eq=", "curly{}", "bracket[0]", "new\nline", "tab\tchar",
        "ünïcödé", "日本語", "emoji-🎉", "ñ", "n\u0303", "x".repeat(StoredDocument.MAX_ID_LENGTH),
        "é".repeat(StoredDocument.MAX_ID_LENGTH));
  }

  private static List<String> ids(List<StoredDocument> documents) {
    return documents.stream().map(StoredDocument::id).collect(Collectors.toList());
  }

  /** A commit is all or nothing, even when the store fails in the middle of it. */
  @Nested
  @DisplayName("atomicity")
  class Atomicity {

    private Commit richCommit(long token) {
      return richCommit(PROJECTION, "orders", "notes", token);
    }

    private Commit richCommit(String projection, String orders, String notes, long token) {
      return Commit.batch(token, 1, stateAt(projection, 9), grouped(List.of(
          put(orders, order("o-1", "SHIPPED", "c-1", 110, 9)),
          put(orders, order("o-3", "PLACED", "c-3", 30, 8)),
          delete(orders, "o-2"),
          put(notes, doc("n-1", "{\"text\":\"changed\"}", Map.of(), 9)),
          put(notes, doc("n-2", "{\"text\":\"new\"}", Map.of(), 7)),
          delete(notes, "n-0"))),
          List.of(deadLetter(projection, 4), deadLetter(projection, 6)));
    }

    private void seedBefore(ProjectionStore target) {
      seedBefore(target, PROJECTION, "orders", "notes");
    }

    private void seedBefore(ProjectionStore target, String projection, String orders, String notes) {
      long token = target.claimWriter(projection);
      target.commit(Commit.batch(token, 0, stateAt(projection, 1), grouped(List.of(
          put(orders, order("o-1", "PLACED", "c-1", 100, 1)),
          put(orders, order("o-2", "PLACED", "c-2", 20, 1)),
          put(notes, doc("n-0", "{\"text\":\"old\"}", Map.of(), 1)),
          put(notes, doc("n-1", "{\"text\":\"old\"}", Map.of(), 1)))),
          List.of(deadLetter(projection, 1), deadLetter(projection, 2))));
    }

    /** What a projection's run left: checkpoint, dead letters (without projection id), documents. */
    private Map<String, Object> outcome(ProjectionStore target, String projection, String orders, String notes) {
      Map<String, Object> outcome = new java.util.TreeMap<>();
      outcome.put("state", target.loadState(projection)
          .map(s -> s.lastProcessedPosition() + "/" + s.lastProcessedEventId() + "/" + s.healthy()).orElse("none"));
      outcome.put("deadLetters", target.deadLetters(projection).stream()
          .map(d -> d.position() + "/" + d.eventId() + "/" + d.attempts()).collect(Collectors.toList()));
      outcome.put("orders", contents(target, orders));
      outcome.put("notes", contents(target, notes));
      return outcome;
    }

    @Test
    @DisplayName("a commit applies its changes, dead letters and state together")
    void commitAppliesEverything() {
      seedBefore(store());
      long token = store().claimWriter(PROJECTION);
      store().commit(richCommit(token));

      assertThat(store().loadState(PROJECTION)).contains(stateAt(PROJECTION, 9));
      assertThat(contents(store(), "orders").keySet()).containsExactly("o-1", "o-3");
      assertThat(contents(store(), "notes").keySet()).containsExactly("n-1", "n-2");
      assertSameDocument(store().find("orders", "o-1").orElse(null), order("o-1", "SHIPPED", "c-1", 110, 9));
      assertSameDocument(store().find("notes", "n-1").orElse(null), doc("n-1", "{\"text\":\"changed\"}", Map.of(), 9));
      assertThat(store().deadLetters(PROJECTION)).extracting(DeadLetter::position).containsExactly(1L, 2L, 4L, 6L);
    }

    @Test
    @DisplayName("a commit (a reset too) cut short after any single write leaves nothing of it visible, and completing it gives the uninterrupted result")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void failureAfterAnyWriteLeavesNothing() {
      assumeAtomicCommits();
      store().prepareReadModel(new ReadModelSchema("orders_clean", ORDERS.indexes()));
      store().prepareReadModel(new ReadModelSchema("notes_clean", NOTES.indexes()));
      seedBefore(store(), "clean", "orders_clean", "notes_clean");
      store().commit(richCommit("clean", "orders_clean", "notes_clean", store().claimWriter("clean")));
      Map<String, Object> uninterrupted = outcome(store(), "clean", "orders_clean", "notes_clean");

      seedBefore(store());
      int injected = commitThroughFaults(this::richCommit);

      assertThat(outcome(anotherStore(), PROJECTION, "orders", "notes"))
          .as("the result after %d interrupted commits and a complete one", injected).isEqualTo(uninterrupted);

      // a reset commit too: clearing read models and dead letters is part of the same all-or-nothing
      commitThroughFaults(token -> Commit.reset(token, 9, ProjectionState.initial(PROJECTION, T0),
          Set.of("orders", "notes")));

      assertThat(store().loadState(PROJECTION)).contains(ProjectionState.initial(PROJECTION, T0));
      assertThat(store().count("orders")).isZero();
      assertThat(store().count("notes")).isZero();
      assertThat(store().deadLetters(PROJECTION)).isEmpty();
    }

    /**
     * Commits through stores failing after 0, 1, 2, ... writes until one gets through, checking after
     * each failure that nothing of the commit is visible; returns how many failures were injected.
     */
    private int commitThroughFaults(java.util.function.LongFunction<Commit> commitWithToken) {
      Set<String> readModels = Set.of("orders", "notes");
      Map<String, Object> before = snapshot(store(), PROJECTION, readModels);
      int injected = 0;
      for (int writes = 0; ; writes++) {
        assertThat(writes).as("the commit should end within 1,000 writes").isLessThan(1000);
        long token = store().claimWriter(PROJECTION);
        ProjectionStore failing = track(openStoreFailingAfterWrites(writes));
        failing.prepareReadModel(ORDERS);
        failing.prepareReadModel(NOTES);
        Throwable failure = catchThrowable(() -> failing.commit(commitWithToken.apply(token)));
        if (failure == null) {
          break;
        }
        injected++;
        assertThat(failure).as("failure injected after %d writes", writes).isInstanceOf(StoreException.class);
        assertThat(snapshot(anotherStore(), PROJECTION, readModels))
            .as("what is visible after a failure injected after %d writes", writes).isEqualTo(before);
      }
      assertThat(injected).as("failures injected before the commit succeeded").isPositive();
      return injected;
    }

    @Test
    @DisplayName("after a failed commit, the same commit retried on a healthy store applies exactly once")
    void retryAfterFailureAppliesOnce() {
      seedBefore(store());
      long token = store().claimWriter(PROJECTION);
      ProjectionStore failing = track(openStoreFailingAfterWrites(0));
      assertThatThrownBy(() -> failing.commit(richCommit(token))).isInstanceOf(StoreException.class);

      store().commit(richCommit(token));

      assertThat(store().loadState(PROJECTION)).contains(stateAt(PROJECTION, 9));
      assertThat(contents(store(), "orders").keySet()).containsExactly("o-1", "o-3");
      assertThat(store().deadLetters(PROJECTION)).extracting(DeadLetter::position).containsExactly(1L, 2L, 4L, 6L);
      assertThatThrownBy(() -> store().commit(richCommit(token)))
          .as("the same commit a second time").isInstanceOf(CheckpointConflictException.class);
    }
  }

  /** Only the current writer moves the checkpoint, and only from where it is. */
  @Nested
  @DisplayName("fencing and conflicts")
  class Fencing {

    @Test
    @DisplayName("a commit from a stale checkpoint is refused with CheckpointConflictException and writes nothing")
    void staleCheckpointRefused() {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c-1", 1, 1)));
      long token = store().claimWriter(PROJECTION);

      Throwable refused = catchThrowable(() -> store().commit(commit(PROJECTION, token, 0, 5,
          List.of(put("orders", order("o-1", "STALE", "c-9", 9, 5)), put("orders", order("o-2", "STALE", "c", 1, 5))))));

      assertThat(refused).isInstanceOf(CheckpointConflictException.class);
      CheckpointConflictException conflict = (CheckpointConflictException) refused;
      assertThat(conflict.expectedPosition()).isZero();
      assertThat(conflict.actualPosition()).isEqualTo(1);
      assertThat(conflict.projectionId()).contains(PROJECTION);
      assertThat(store().loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
      assertSameDocument(store().find("orders", "o-1").orElse(null), order("o-1", "PLACED", "c-1", 1, 1));
      assertThat(store().find("orders", "o-2")).isEmpty();
    }

    @Test
    @DisplayName("claimWriter returns a greater token every time, across store instances")
    void tokensIncrease() {
      long first = store().claimWriter(PROJECTION);
      long second = anotherStore().claimWriter(PROJECTION);
      long third = store().claimWriter(PROJECTION);
      long otherProjection = store().claimWriter("another-projection");

      assertThat(second).isGreaterThan(first);
      assertThat(third).isGreaterThan(second);
      assertThat(otherProjection).as("a token of another projection").isNotNegative();
    }

    @Test
    @DisplayName("an old writer's commit after a newer claim is refused with WriterFencedException and writes nothing")
    void oldWriterFenced() {
      ProjectionStore oldOwner = store();
      ProjectionStore newOwner = anotherStore();
      long oldToken = oldOwner.claimWriter(PROJECTION);
      long newToken = newOwner.claimWriter(PROJECTION);

      Throwable refused = catchThrowable(() -> oldOwner.commit(commit(PROJECTION, oldToken, 0, 3,
          List.of(put("orders", order("o-1", "OLD", "c", 1, 3))))));

      assertThat(refused).isInstanceOf(WriterFencedException.class);
      assertThat(((WriterFencedException) refused).writerToken()).isEqualTo(oldToken);
      assertThat(((WriterFencedException) refused).currentToken()).isEqualTo(newToken);
      assertThat(oldOwner.find("orders", "o-1")).isEmpty();
      assertThat(oldOwner.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isZero();

      newOwner.commit(commit(PROJECTION, newToken, 0, 3, List.of(put("orders", order("o-1", "NEW", "c", 1, 3)))));
      assertThat(oldOwner.find("orders", "o-1").orElseThrow().indexValues()).containsEntry("status", "NEW");
    }

    @Test
    @DisplayName("of many threads committing from the same checkpoint, exactly one wins; the others get CheckpointConflictException")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void exactlyOneConcurrentCommitWins() throws Exception {
      assumeAtomicCommits();
      seed(store(), "orders", List.of(order("shared", "PLACED", "c", 0, 1)));
      long token = store().claimWriter(PROJECTION);
      int threads = 8;
      List<ProjectionStore> stores = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        stores.add(i % 2 == 0 ? store() : anotherStore());
      }
      List<Integer> slots = Collections.synchronizedList(new ArrayList<>(IntStream.range(0, threads).boxed().toList()));

      List<String> outcomes = runConcurrently(threads, () -> {
        int slot = slots.remove(0);
        try {
          stores.get(slot).commit(commit(PROJECTION, token, 1, 2 + slot, List.of(
              put("orders", order("shared", "BY-" + slot, "c", slot, 2 + slot)),
              put("orders", order("only-" + slot, "BY-" + slot, "c", slot, 2 + slot)))));
          return "won:" + slot;
        } catch (CheckpointConflictException conflict) {
          return "conflict";
        }
      });

      List<String> winners = outcomes.stream().filter(o -> o.startsWith("won:")).collect(Collectors.toList());
      assertThat(winners).as("outcomes %s", outcomes).hasSize(1);
      assertThat(outcomes).filteredOn("conflict"::equals).hasSize(threads - 1);
      int winner = Integer.parseInt(winners.get(0).substring(4));
      assertThat(store().loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(2L + winner);
      assertThat(store().find("orders", "shared").orElseThrow().indexValues()).containsEntry("status", "BY-" + winner);
      assertThat(contents(store(), "orders").keySet()).containsExactlyInAnyOrder("shared", "only-" + winner);
    }

    @Test
    @DisplayName("two writers racing: never do both move the checkpoint from the same position, whatever the timing")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void racingWritersNeverBothCommit() throws Exception {
      for (int round = 0; round < 5; round++) {
        String projection = "race-" + round;
        ProjectionStore first = store();
        ProjectionStore second = anotherStore();
        long firstToken = first.claimWriter(projection);
        AtomicInteger roles = new AtomicInteger();
        List<String> outcomes = runConcurrently(2, () -> {
          try {
            if (roles.getAndIncrement() == 0) {
              first.commit(commit(projection, firstToken, 0, 5,
                  List.of(put("notes", doc(projection, "{\"by\":1}", Map.of(), 5)))));
              return "first";
            }
            long secondToken = second.claimWriter(projection);
            second.commit(commit(projection, secondToken, 0, 10,
                List.of(put("notes", doc(projection, "{\"by\":2}", Map.of(), 10)))));
            return "second";
          } catch (WriterFencedException | CheckpointConflictException refused) {
            return "refused";
          }
        });

        assertThat(outcomes).as("round %d: exactly one writer commits from 0", round)
            .containsOnlyOnce("refused");
        long checkpoint = first.loadState(projection).orElseThrow().lastProcessedPosition();
        String by = StoreFixtures.tree(first.find("notes", projection).orElseThrow().json()).get("by").asText();
        assertThat(checkpoint).isEqualTo(outcomes.contains("first") ? 5L : 10L);
        assertThat(by).isEqualTo(outcomes.contains("first") ? "1" : "2");
      }
    }
  }

  /** A reset commit clears the projection's read models and dead letters and moves the checkpoint back. */
  @Nested
  @DisplayName("resets")
  class Resets {

    @Test
    @DisplayName("a reset commit clears the named read models and the projection's dead letters, and sets the checkpoint back")
    void resetClears() {
      long token = store().claimWriter(PROJECTION);
      store().commit(Commit.batch(token, 0, stateAt(PROJECTION, 50), grouped(List.of(
          put("orders", order("o-1", "PLACED", "c", 1, 50)), put("orders", order("o-2", "PLACED", "c", 1, 50)),
          put("notes", doc("n-1", "{}", Map.of(), 50)))),
          List.of(deadLetter(PROJECTION, 7))));
      long otherToken = store().claimWriter("other");
      store().commit(Commit.batch(otherToken, 0, stateAt("other", 3), List.of(),
          List.of(deadLetter("other", 3))));

      long resetToken = store().claimWriter(PROJECTION);
      store().commit(Commit.reset(resetToken, 50, ProjectionState.initial(PROJECTION, T0),
          Set.of("orders")));

      assertThat(store().loadState(PROJECTION)).contains(ProjectionState.initial(PROJECTION, T0));
      assertThat(store().count("orders")).isZero();
      assertThat(store().findByIndex("orders", "status", "PLACED")).isEmpty();
      assertThat(store().count("notes")).as("a read model not named in the reset").isEqualTo(1);
      assertThat(store().deadLetters(PROJECTION)).isEmpty();
      assertThat(store().deadLetters("other")).extracting(DeadLetter::position).containsExactly(3L);
      assertThat(store().loadState("other").orElseThrow().lastProcessedPosition()).isEqualTo(3);
    }

    @Test
    @DisplayName("a reset is fenced like any commit")
    void resetIsFenced() {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
      long oldToken = store().claimWriter(PROJECTION);
      anotherStore().claimWriter(PROJECTION);

      assertThatThrownBy(() -> store().commit(Commit.reset(oldToken, 1,
          ProjectionState.initial(PROJECTION, T0), Set.of("orders"))))
          .isInstanceOf(WriterFencedException.class);
      assertThat(store().count("orders")).isEqualTo(1);
      assertThat(store().loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
    }
  }

  /** Dead letters are stored, listed in order and removed, all inside commits. */
  @Nested
  @DisplayName("dead letters")
  class DeadLetters {

    @Test
    @DisplayName("dead letters added by commits are listed by position, equal to what was added")
    void addedAndListed() {
      long token = store().claimWriter(PROJECTION);
      store().commit(Commit.batch(token, 0, stateAt(PROJECTION, 20), List.of(),
          List.of(deadLetter(PROJECTION, 17), deadLetter(PROJECTION, 3), deadLetter(PROJECTION, 11))));

      assertThat(anotherStore().deadLetters(PROJECTION)).containsExactly(
          deadLetter(PROJECTION, 3), deadLetter(PROJECTION, 11), deadLetter(PROJECTION, 17));
      assertThat(store().deadLetters("nobody")).isEmpty();
    }

    @Test
    @DisplayName("a dead letter at a position already stored replaces it; removed ones are gone")
    void replacedAndRemoved() {
      long token = store().claimWriter(PROJECTION);
      store().commit(Commit.batch(token, 0, stateAt(PROJECTION, 20), List.of(),
          List.of(deadLetter(PROJECTION, 3), deadLetter(PROJECTION, 11), deadLetter(PROJECTION, 17))));
      DeadLetter retried = new DeadLetter(PROJECTION, 11, "event-11", "stream-2", "com.example.OrderPlaced",
          "{}", "OrderHandler#on", "java.lang.RuntimeException", "", "trace", 5, T0, T0.plusSeconds(60));
      store().commit(Commit.deadLetterUpdate(token, stateAt(PROJECTION, 20), List.of(),
          List.of(retried, deadLetter(PROJECTION, 19)), List.of(3L, 99L, 19L)));

      assertThat(store().deadLetters(PROJECTION))
          .as("added before removed: position 19, added and removed in one commit, is gone")
          .containsExactly(retried, deadLetter(PROJECTION, 17));
    }

    @Test
    @DisplayName("dead letters of projections are kept apart")
    void projectionsApart() {
      for (String projection : List.of("alpha", "beta")) {
        long token = store().claimWriter(projection);
        store().commit(Commit.batch(token, 0, stateAt(projection, 5), List.of(),
            List.of(deadLetter(projection, 5))));
      }
      long token = store().claimWriter("alpha");
      store().commit(Commit.deadLetterUpdate(token, stateAt("alpha", 5), List.of(), List.of(), List.of(5L)));

      assertThat(store().deadLetters("alpha")).isEmpty();
      assertThat(store().deadLetters("beta")).containsExactly(deadLetter("beta", 5));
    }
  }

  /** The store creates, reuses and guards its schema. */
  @Nested
  @DisplayName("schema")
  class Schema {

    @Test
    @DisplayName("opening the store again over existing data is harmless")
    void openTwice() {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
      ProjectionStore again = anotherStore();
      ProjectionStore andAgain = anotherStore();

      assertThat(again.count("orders")).isEqualTo(1);
      assertThat(andAgain.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
    }

    @Test
    @DisplayName("opening the store and preparing read models from several threads at once is harmless")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentOpens() throws Exception {
      List<ProjectionStore> stores = runConcurrently(4, () -> {
        ProjectionStore opened = track(openStore());
        opened.prepareReadModel(ORDERS);
        opened.prepareReadModel(NOTES);
        return opened;
      });

      seed(stores.get(0), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
      for (ProjectionStore each : stores) {
        assertThat(each.count("orders")).isEqualTo(1);
        assertThat(ids(each.findByIndex("orders", "status", "PLACED"))).containsExactly("o-1");
      }
    }

    @Test
    @DisplayName("prepareReadModel is idempotent and keeps documents, also from several threads")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void prepareIdempotent() throws Exception {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
      store().prepareReadModel(ORDERS);
      ReadModelSchema fresh = new ReadModelSchema("fresh_model", List.of("kind"));
      runConcurrently(4, () -> {
        ProjectionStore each = anotherStore();
        each.prepareReadModel(ORDERS);
        each.prepareReadModel(fresh);
        each.prepareReadModel(fresh);
        return each;
      });

      assertThat(store().count("orders")).isEqualTo(1);
      assertThat(ids(store().findByIndex("orders", "status", "PLACED"))).containsExactly("o-1");
      store().prepareReadModel(fresh);
      seed(store(), "fresh_model", List.of(doc("f-1", "{}", Map.of("kind", "k"), 2)));
      assertThat(ids(store().findByIndex("fresh_model", "kind", "k"))).containsExactly("f-1");
    }

    @Test
    @DisplayName("an index declared later is usable for documents written after it")
    void indexAddedLater() {
      seed(store(), "notes", List.of(doc("n-1", "{}", Map.of(), 1)));
      ReadModelSchema notesWithTag = new ReadModelSchema("notes", List.of("tag"));
      ProjectionStore upgraded = track(openStore());
      upgraded.prepareReadModel(notesWithTag);
      upgraded.prepareReadModel(ORDERS);
      seed(upgraded, "notes", List.of(doc("n-2", "{}", Map.of("tag", "red"), 2)));

      assertThat(ids(upgraded.findByIndex("notes", "tag", "red"))).containsExactly("n-2");
      assertThat(upgraded.count("notes")).isEqualTo(2);
    }

    @Test
    @DisplayName("a stored schema newer than the code is refused with a clear StoreConfigurationException")
    void newerSchemaRefused() {
      seed(store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
      makeStoredSchemaNewerThanCode();

      assertThatThrownBy(this::openAndTrack)
          .isInstanceOf(StoreConfigurationException.class)
          .hasMessageContaining("newer");
    }

    private void openAndTrack() {
      track(openStore());
    }
  }

  /** The engine of projection-core on this store: the OrderSummary example, restarts, failures. */
  @Nested
  @DisplayName("engine end to end")
  class EngineEndToEnd {

    private static final String ENGINE_PROJECTION = "order-summary-e2e";

    private ProjectionEngine engine(ProjectionStore target) {
      return engine(target, FailurePolicy.stop(), new AtomicBoolean());
    }

    private ProjectionEngine engine(ProjectionStore target, FailurePolicy policy, AtomicBoolean poisoned) {
      ProjectionEngine engine = Projections.engine(ENGINE_PROJECTION).store(target)
          .readModel(ORDER_SUMMARY).readModel(BROKEN).failurePolicy(policy).batchSize(4).build();
      OrderSummaryFixture.register(engine, poisoned);
      return engine;
    }

    /** Another store over the same data with the engine's read models prepared, as an engine does. */
    private ProjectionStore freshStore() {
      ProjectionStore fresh = track(openStore());
      fresh.prepareReadModel(new ReadModelSchema(ORDER_SUMMARY.name(), ORDER_SUMMARY.indexNames()));
      fresh.prepareReadModel(new ReadModelSchema(BROKEN.name(), BROKEN.indexNames()));
      return fresh;
    }

    private void assertExampleReadModel(ReadModelView<OrderSummary> orders) {
      OrderSummary first = orders.findById("ORDER-001").orElseThrow();
      assertThat(first.status()).isEqualTo("DELIVERED");
      assertThat(first.customerName()).isEqualTo("Alice Johnson");
      assertThat(first.total()).isEqualByComparingTo("269.97");
      assertThat(first.items()).extracting(Item::name).containsExactly("Wireless Keyboard", "Mouse");
      assertThat(first.carrier()).isEqualTo("FedEx");
      assertThat(first.trackingNumber()).isEqualTo("1234567890");
      OrderSummary second = orders.findById("ORDER-002").orElseThrow();
      assertThat(second.status()).isEqualTo("CANCELLED");
      assertThat(second.total()).isEqualByComparingTo("159.97");
      assertThat(second.items()).singleElement().satisfies(item -> {
        assertThat(item.quantity()).isEqualTo(2);
        assertThat(item.lineTotal()).isEqualByComparingTo("59.98");
      });
      assertThat(second.cancellationReason()).isEqualTo("Customer requested cancellation");
      assertThat(orders.findBy("status", "DELIVERED")).extracting(OrderSummary::orderId).containsExactly("ORDER-001");
      assertThat(orders.findBy("status", "CANCELLED")).extracting(OrderSummary::orderId).containsExactly("ORDER-002");
      assertThat(orders.findBy("status", "CONFIRMED")).isEmpty();
      assertThat(orders.findBy("customer_id", "CUST-002")).extracting(OrderSummary::orderId).containsExactly("ORDER-002");
      assertThat(orders.count()).isEqualTo(2);
      assertThat(orders.streamAll().map(OrderSummary::orderId)).containsExactlyInAnyOrder("ORDER-001", "ORDER-002");
    }

    @Test
    @DisplayName("the OrderSummary example gives its read model, committed and readable by a new store instance")
    void exampleReadModel() {
      ProjectionEngine engine = engine(freshStore());
      BatchResult result = engine.processEvents(exampleEvents());

      assertThat(result.applied()).isEqualTo(10);
      assertThat(result.checkpoint()).isEqualTo(10);
      assertExampleReadModel(engine.readModel(ORDER_SUMMARY));
      ProjectionStore reopened = freshStore();
      ProjectionState stored = reopened.loadState(ENGINE_PROJECTION).orElseThrow();
      assertThat(stored.lastProcessedPosition()).isEqualTo(10);
      assertThat(stored.lastProcessedEventId()).isEqualTo("evt-10");
      assertThat(stored.healthy()).isTrue();
      assertExampleReadModel(engine(reopened).readModel(ORDER_SUMMARY));
    }

    @Test
    @DisplayName("events handled one at a time give the same read model as one batch")
    void oneEventAtATime() {
      ProjectionEngine engine = engine(freshStore());
      for (EventEnvelope<?> event : exampleEvents()) {
        engine.handleEvent(event);
      }

      assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
      assertThat(engine.state().lastProcessedPosition()).isEqualTo(10);
    }

    @Test
    @DisplayName("a restart with a new store instance resumes from the stored checkpoint")
    void restartFromStoredCheckpoint() {
      ProjectionStore first = freshStore();
      engine(first).processEvents(exampleEvents().subList(0, 6));
      first.close();

      ProjectionEngine restarted = engine(freshStore());
      assertThat(restarted.state().lastProcessedPosition()).isEqualTo(6);
      BatchResult result = restarted.processEvents(exampleEvents());

      assertThat(result.skipped()).isEqualTo(6);
      assertThat(result.applied()).isEqualTo(4);
      assertExampleReadModel(restarted.readModel(ORDER_SUMMARY));
    }

    @Test
    @DisplayName("redelivered events are skipped and change nothing")
    void redeliveryIsIdempotent() {
      ProjectionEngine engine = engine(freshStore());
      engine.processEvents(exampleEvents());

      BatchResult again = engine.processEvents(exampleEvents());
      BatchResult single = engine.handleEvent(exampleEvents().get(1));
      BatchResult elsewhere = engine(freshStore()).processEvents(exampleEvents().subList(3, 10));

      assertThat(again.applied()).isZero();
      assertThat(again.skipped()).isEqualTo(10);
      assertThat(single.skipped()).isEqualTo(1);
      assertThat(elsewhere.applied()).isZero();
      assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
    }

    @Test
    @DisplayName("replay rebuilds the read model from the events alone")
    void replayRebuilds() {
      ProjectionEngine engine = engine(freshStore());
      engine.processEvents(exampleEvents());
      engine.processEvents(envelopes(11, List.of(
          new OrderCreated("ORDER-003", "CUST-003", "Carol", new BigDecimal("5.00")))));
      assertThat(engine.readModel(ORDER_SUMMARY).count()).isEqualTo(3);

      ProjectionEngine rebuilding = engine(freshStore());
      BatchResult result = rebuilding.replay(exampleEvents());

      assertThat(result.checkpoint()).isEqualTo(10);
      assertThat(rebuilding.readModel(ORDER_SUMMARY).findById("ORDER-003")).isEmpty();
      assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
      assertThat(freshStore().loadState(ENGINE_PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(10);
    }

    @Test
    @DisplayName("a handler failure commits the good prefix and stops at the failed event until it succeeds")
    void handlerFailureKeepsGoodPrefix() {
      AtomicBoolean poisoned = new AtomicBoolean(true);
      ProjectionEngine engine = engine(freshStore(), FailurePolicy.stop(), poisoned);
      List<EventEnvelope<?>> events = new ArrayList<>(exampleEvents().subList(0, 6));
      events.addAll(envelopes(7, List.of(new Poison("ORDER-001"),
          new OrderCreated("ORDER-002", "CUST-002", "Bob Smith", new BigDecimal("99.99")))));

      Throwable failure = catchThrowable(() -> engine.processEvents(events));

      assertThat(failure).isInstanceOf(HandlerFailedException.class);
      assertThat(((HandlerFailedException) failure).position()).isEqualTo(7);
      ProjectionStore observer = freshStore();
      ProjectionState stopped = observer.loadState(ENGINE_PROJECTION).orElseThrow();
      assertThat(stopped.lastProcessedPosition()).isEqualTo(6);
      assertThat(stopped.healthy()).isFalse();
      assertThat(stopped.failedPosition()).isEqualTo(7);
      ReadModelView<OrderSummary> orders = engine(observer).readModel(ORDER_SUMMARY);
      assertThat(orders.findById("ORDER-001").orElseThrow().status()).isEqualTo("DELIVERED");
      assertThat(orders.findById("ORDER-002")).isEmpty();

      poisoned.set(false);
      BatchResult resumed = engine.processEvents(events.subList(6, 8));

      assertThat(resumed.applied()).isEqualTo(2);
      assertThat(engine.isHealthy()).isTrue();
      assertThat(orders.findById("ORDER-001").orElseThrow().status()).isEqualTo("POISONED");
      assertThat(orders.findById("ORDER-002")).isPresent();
      assertThat(freshStore().loadState(ENGINE_PROJECTION).orElseThrow().healthy()).isTrue();
    }

    @Test
    @DisplayName("under the dead-letter policy a failed event is stored as a dead letter and processing goes on")
    void deadLetterPolicy() {
      ProjectionEngine engine = engine(freshStore(), FailurePolicy.deadLetter(), new AtomicBoolean(true));
      BatchResult result = engine.processEvents(envelopes(1, List.of(
          new OrderCreated("ORDER-A", "CUST-A", "Ann", BigDecimal.ONE), new Poison("ORDER-A"),
          new OrderCreated("ORDER-B", "CUST-B", "Ben", BigDecimal.TEN))));

      assertThat(result.deadLettered()).isEqualTo(1);
      assertThat(result.checkpoint()).isEqualTo(3);
      ProjectionStore observer = freshStore();
      assertThat(observer.deadLetters(ENGINE_PROJECTION)).singleElement().satisfies(letter -> {
        assertThat(letter.position()).isEqualTo(2);
        assertThat(letter.errorType()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.errorMessage()).contains("poisoned");
      });
      ReadModelView<OrderSummary> orders = engine(observer).readModel(ORDER_SUMMARY);
      assertThat(orders.findById("ORDER-A").orElseThrow().status()).isEqualTo("DRAFT");
      assertThat(orders.findById("ORDER-B")).isPresent();
    }

    @Test
    @DisplayName("a document that cannot be serialised fails its event with a clear error and writes nothing of it")
    void unserialisableDocument() {
      ProjectionEngine engine = engine(freshStore());
      Throwable failure = catchThrowable(() -> engine.processEvents(envelopes(1, List.of(
          new OrderCreated("ORDER-X", "CUST-X", "Xavier", BigDecimal.ONE), new Unserialisable("ORDER-X")))));

      assertThat(failure).isInstanceOf(ProjectionException.class);
      assertThat(failure).satisfiesAnyOf(
          f -> assertThat(f).isInstanceOf(SerializationException.class),
          f -> assertThat(f).hasRootCauseInstanceOf(IllegalStateException.class)
              .hasStackTraceContaining("SerializationException"));
      ProjectionStore observer = freshStore();
      assertThat(observer.count("broken_model")).isZero();
      assertThat(observer.loadState(ENGINE_PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
      assertThat(engine(observer).readModel(ORDER_SUMMARY).findById("ORDER-X")).isPresent();
    }

    @Test
    @DisplayName("a stored document that cannot be read as its type gives a clear error, and an event needing it changes nothing")
    void undeserialisableDocument() {
      ProjectionStore target = freshStore();
      ProjectionEngine engine = engine(target);
      long token = target.claimWriter("another-writer");
      target.commit(commit("another-writer", token, 0, 1, List.of(put("order_summary",
          doc("ORDER-BAD", "{\"orderId\":\"ORDER-BAD\",\"items\":{\"not\":\"a list\"},\"total\":[1]}",
              Map.of("status", "DRAFT"), 1)))));

      assertThatThrownBy(() -> engine.readModel(ORDER_SUMMARY).findById("ORDER-BAD"))
          .isInstanceOf(SerializationException.class);
      Throwable failure = catchThrowable(() -> engine.processEvents(envelopes(1, List.of(
          new OrderCreated("ORDER-OK", "CUST-1", "Olga", BigDecimal.ONE),
          new OrderConfirmed("ORDER-BAD")))));

      assertThat(failure).isInstanceOf(HandlerFailedException.class);
      assertThat(((HandlerFailedException) failure).position()).isEqualTo(2);
      ProjectionStore observer = freshStore();
      assertThat(observer.loadState(ENGINE_PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
      assertThat(StoreFixtures.tree(observer.find("order_summary", "ORDER-BAD").orElseThrow().json()).get("items").isObject())
          .as("the unreadable document is left as it was").isTrue();
      assertThat(observer.find("order_summary", "ORDER-OK")).isPresent();
    }

    @Test
    @DisplayName("two engines on one projection: the one that lost ownership cannot commit, and no event is applied twice")
    void secondEngineFencesFirst() {
      ProjectionEngine first = engine(freshStore());
      first.processEvents(exampleEvents().subList(0, 5));
      ProjectionEngine second = engine(freshStore());
      BatchResult taken = second.processEvents(exampleEvents());

      Throwable refused = catchThrowable(() -> first.processEvents(exampleEvents().subList(5, 10)));

      assertThat(taken.skipped()).isEqualTo(5);
      assertThat(refused).isInstanceOf(ProjectionConflictException.class);
      assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
    }
  }
}
