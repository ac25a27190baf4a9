package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.ContractSupport.ids;
import static io.orchestrix.projection.tck.ContractSupport.seed;
import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.StoreFixtures.assertSameDocument;
import static io.orchestrix.projection.tck.StoreFixtures.awkwardIds;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.quote;
import static io.orchestrix.projection.tck.StoreFixtures.snapshot;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Documents: put, find, update, delete, {@code findAll}, index queries, count, paging, large
 * documents, read models kept apart, and one change per document in a commit.
 */
public interface ReadModelContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** Contract: a committed document is found by id, with its JSON, index values and position. */
  @Test
  @DisplayName("a committed document is found by id, with its JSON, index values and position")
  default void putThenFind() {
    StoredDocument order = order("o-1", "PLACED", "c-1", 100, 1);
    seed(fixture().store(), "orders", List.of(order));

    assertSameDocument(fixture().store().find("orders", "o-1").orElse(null), order);
    assertSameDocument(fixture().anotherStore().find("orders", "o-1").orElse(null), order);
  }

  /** Contract: an unknown id is not found and an empty read model counts 0. */
  @Test
  @DisplayName("an unknown id is not found and an empty read model counts 0")
  default void unknownIdNotFound() {
    assertThat(fixture().store().find("orders", "missing")).isEmpty();
    assertThat(fixture().store().count("orders")).isZero();
    assertThat(fixture().store().page("orders", null, 10)).isEmpty();
    assertThat(fixture().store().findAll("orders", List.of("missing"))).isEmpty();
    assertThat(fixture().store().findByIndex("orders", "status", "PLACED")).isEmpty();
  }

  /** Contract: putting a document again replaces it and its index values. */
  @Test
  @DisplayName("putting a document again replaces it and its index values")
  default void updateReplaces() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c-1", 100, 1)));
    StoredDocument shipped = order("o-1", "SHIPPED", "c-2", 150, 2);
    seed(fixture().store(), "orders", List.of(shipped));

    assertSameDocument(fixture().store().find("orders", "o-1").orElse(null), shipped);
    assertThat(fixture().store().count("orders")).isEqualTo(1);
    assertThat(fixture().store().findByIndex("orders", "status", "PLACED")).isEmpty();
    assertThat(fixture().store().findByIndex("orders", "customer_id", "c-1")).isEmpty();
    assertThat(ids(fixture().store().findByIndex("orders", "status", "SHIPPED"))).containsExactly("o-1");
    assertThat(ids(fixture().store().findByIndex("orders", "customer_id", "c-2"))).containsExactly("o-1");
  }

  /**
   * Contract: a deleted document is gone from find, indexes and count; deleting a missing one is
   * fine.
   */
  @Test
  @DisplayName("a deleted document is gone from find, indexes and count; deleting a missing one is fine")
  default void deleteRemoves() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c-1", 1, 1), order("o-2", "PLACED", "c-1", 2, 1)));
    long token = fixture().store().claimWriter(PROJECTION);
    fixture().store().commit(commit(PROJECTION, token, 1, 2,
        List.of(delete("orders", "o-1"), delete("orders", "never-existed"))));

    assertThat(fixture().store().find("orders", "o-1")).isEmpty();
    assertThat(fixture().store().count("orders")).isEqualTo(1);
    assertThat(ids(fixture().store().findByIndex("orders", "status", "PLACED"))).containsExactly("o-2");
    assertThat(ids(fixture().store().findByIndex("orders", "customer_id", "c-1"))).containsExactly("o-2");
  }

  /** Contract: findAll returns the existing documents among the ids asked, by id. */
  @Test
  @DisplayName("findAll returns the existing documents among the ids asked, by id")
  default void findAllReturnsExisting() {
    List<StoredDocument> orders = IntStream.range(0, 30)
        .mapToObj(i -> order("o-" + i, "PLACED", "c-" + i % 4, i, 1)).collect(Collectors.toList());
    seed(fixture().store(), "orders", orders);

    List<String> asked = new ArrayList<>();
    for (int i = 0; i < 30; i += 3) {
      asked.add("o-" + i);
      asked.add("absent-" + i);
    }
    Map<String, StoredDocument> found = fixture().store().findAll("orders", asked);

    assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(
        asked.stream().filter(id -> id.startsWith("o-")).collect(Collectors.toList()));
    found.forEach((id, document) -> assertSameDocument(document, orders.get(Integer.parseInt(id.substring(2)))));
    assertThat(fixture().store().findAll("orders", List.of())).isEmpty();
  }

  /** Contract: findByIndex answers for each declared index, in id order. */
  @Test
  @DisplayName("findByIndex answers for each declared index, in id order")
  default void findByEachIndex() {
    seed(fixture().store(), "orders", List.of(
        order("b", "PLACED", "c-1", 1, 1), order("a", "PLACED", "c-2", 2, 1),
        order("c", "SHIPPED", "c-1", 3, 1), order("d", "CANCELLED", "c-3", 4, 1)));

    assertThat(ids(fixture().store().findByIndex("orders", "status", "PLACED"))).containsExactly("a", "b");
    assertThat(ids(fixture().store().findByIndex("orders", "status", "SHIPPED"))).containsExactly("c");
    assertThat(ids(fixture().store().findByIndex("orders", "customer_id", "c-1"))).containsExactly("b", "c");
    assertThat(ids(fixture().store().findByIndex("orders", "customer_id", "c-3"))).containsExactly("d");
    assertThat(fixture().store().findByIndex("orders", "customer_id", "C-1")).as("index values are case-sensitive").isEmpty();
    assertSameDocument(fixture().store().findByIndex("orders", "customer_id", "c-3").get(0), order("d", "CANCELLED", "c-3", 4, 1));
  }

  /** Contract: a document without a value for an index is not found under it. */
  @Test
  @DisplayName("a document without a value for an index is not found under it")
  default void absentIndexValueNotIndexed() {
    StoredDocument partial = doc("p-1", "{\"status\":\"PLACED\"}", Map.of("status", "PLACED"), 1);
    seed(fixture().store(), "orders", List.of(partial));

    assertSameDocument(fixture().store().find("orders", "p-1").orElse(null), partial);
    assertThat(ids(fixture().store().findByIndex("orders", "status", "PLACED"))).containsExactly("p-1");
    assertThat(fixture().store().findByIndex("orders", "customer_id", "")).isEmpty();
    assertThat(fixture().store().findByIndex("orders", "customer_id", "null")).isEmpty();
  }

  /** Contract: querying an index that was not declared is refused. */
  @Test
  @DisplayName("querying an index that was not declared is refused")
  default void undeclaredIndexRefused() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c-1", 1, 1)));

    assertThatThrownBy(() -> fixture().store().findByIndex("orders", "total", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("total");
  }

  /** Contract: count follows puts and deletes. */
  @Test
  @DisplayName("count follows puts and deletes")
  default void countFollowsChanges() {
    seed(fixture().store(), "notes", IntStream.range(0, 25)
        .mapToObj(i -> doc("n-" + i, "{\"n\":" + i + "}", Map.of(), 1)).collect(Collectors.toList()));
    assertThat(fixture().store().count("notes")).isEqualTo(25);

    long token = fixture().store().claimWriter(PROJECTION);
    fixture().store().commit(commit(PROJECTION, token, 1, 2,
        List.of(delete("notes", "n-0"), delete("notes", "n-1"), put("notes", doc("n-99", "{}", Map.of(), 2)))));
    assertThat(fixture().store().count("notes")).isEqualTo(24);
    assertThat(fixture().store().count("orders")).isZero();
  }

  /** Contract: paging visits each document exactly once, whatever the page size. */
  @Test
  @DisplayName("paging visits each document exactly once, whatever the page size")
  default void pagingVisitsEachOnce() {
    List<String> expected = new ArrayList<>(awkwardIds());
    for (int i = 0; i < 200; i++) {
      expected.add(Integer.toString(i * 7919 % 1000, 36) + "-" + i);
    }
    seed(fixture().store(), "notes", expected.stream()
        .map(id -> doc(id, "{\"id\":" + quote(id) + "}", Map.of(), 1)).collect(Collectors.toList()));

    for (int pageSize : new int[] {1, 7, 100, 1000}) {
      List<String> visited = new ArrayList<>();
      String after = null;
      while (true) {
        List<StoredDocument> page = fixture().store().page("notes", after, pageSize);
        assertThat(page.size()).as("page size").isLessThanOrEqualTo(pageSize);
        page.forEach(d -> visited.add(d.id()));
        if (page.size() < pageSize) {
          break;
        }
        after = page.get(page.size() - 1).id();
      }
      assertThat(visited).as("ids visited with page size %d", pageSize)
          .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
      assertThat(fixture().anotherStore().page("notes", null, 1000)).extracting(StoredDocument::id)
          .as("the order is the same for every call").containsExactlyElementsOf(visited);
    }
  }

  /** Contract: a 1 MiB document round-trips. */
  @Test
  @DisplayName("a 1 MiB document round-trips")
  default void largeDocumentRoundTrips() {
    StringBuilder json = new StringBuilder("{\"lines\":[");
    Random random = new Random(42);
    while (json.length() < 1024 * 1024) {
      json.append('"').append(Long.toString(random.nextLong(), 36)).append("-ü\",");
    }
    json.append("\"end\"]}");
    StoredDocument big = doc("big", json.toString(), Map.of(), 1);
    fixture().store().checkDocument("notes", big);
    seed(fixture().store(), "notes", List.of(big));

    assertSameDocument(fixture().anotherStore().find("notes", "big").orElse(null), big);
  }

  /** Contract: read models are kept apart: the same id in two read models are two documents. */
  @Test
  @DisplayName("read models are kept apart: the same id in two read models are two documents")
  default void readModelsApart() {
    seed(fixture().store(), "orders", List.of(order("same", "PLACED", "c-1", 1, 1)));
    seed(fixture().store(), "notes", List.of(doc("same", "{\"note\":true}", Map.of(), 2)));

    assertThat(StoreFixtures.tree(fixture().store().find("orders", "same").orElseThrow().json()).has("status")).isTrue();
    assertThat(StoreFixtures.tree(fixture().store().find("notes", "same").orElseThrow().json()).has("note")).isTrue();
    assertThat(fixture().store().count("orders")).isEqualTo(1);
    assertThat(fixture().store().count("notes")).isEqualTo(1);
  }

  /** Contract: a commit cannot change one id twice: the SPI refuses it before any store sees it. */
  @Test
  @DisplayName("a commit cannot change one id twice: the SPI refuses it before any store sees it")
  default void oneChangePerIdInACommit() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    long token = fixture().store().claimWriter(PROJECTION);
    Map<String, Object> before = snapshot(fixture().store(), PROJECTION, Set.of("orders", "notes"));
    StoredDocument paid = order("o-1", "PAID", "c", 2, 2);
    StoredDocument shipped = order("o-1", "SHIPPED", "c", 3, 2);

    assertThat(catchThrowable(() -> fixture().store().commit(Commit.batch(token, 1, stateAt(PROJECTION, 2),
        List.of(new ReadModelChanges("orders", List.of(paid, shipped), List.of()))))))
        .as("two puts of one id").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("o-1");
    assertThat(catchThrowable(() -> fixture().store().commit(Commit.batch(token, 1, stateAt(PROJECTION, 2),
        List.of(new ReadModelChanges("orders", List.of(paid), List.of("o-1")))))))
        .as("a put and a delete of one id").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("o-1");
    assertThat(catchThrowable(() -> fixture().store().commit(Commit.batch(token, 1, stateAt(PROJECTION, 2),
        List.of(new ReadModelChanges("orders", List.of(), List.of("o-1", "o-1")))))))
        .as("two deletes of one id").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("o-1");
    assertThat(catchThrowable(() -> fixture().store().commit(Commit.batch(token, 1, stateAt(PROJECTION, 2),
        List.of(ReadModelChanges.puts("orders", List.of(paid)), ReadModelChanges.puts("orders", List.of(shipped)))))))
        .as("one read model twice in a commit").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orders");

    assertThat(snapshot(fixture().anotherStore(), PROJECTION, Set.of("orders", "notes")))
        .as("the store after the refused commits").isEqualTo(before);
    fixture().store().commit(Commit.batch(token, 1, stateAt(PROJECTION, 2),
        List.of(ReadModelChanges.puts("orders", List.of(shipped)))));
    assertSameDocument(fixture().store().find("orders", "o-1").orElse(null), shipped);
  }
}
