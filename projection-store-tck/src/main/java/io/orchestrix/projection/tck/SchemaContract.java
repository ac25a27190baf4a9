package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.StoreFixture.NOTES;
import static io.orchestrix.projection.tck.StoreFixture.ORDERS;
import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.ContractSupport.ids;
import static io.orchestrix.projection.tck.ContractSupport.runConcurrently;
import static io.orchestrix.projection.tck.ContractSupport.seed;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store creates, reuses and guards its schema: opening again and at once is harmless,
 * {@code prepareReadModel} is idempotent and concurrent-safe, an index declared later works, a newer
 * stored schema is refused ({@link StoreFixture#makeStoredSchemaNewerThanCode()}).
 */
public interface SchemaContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** Contract: opening the store again over existing data is harmless. */
  @Test
  @DisplayName("opening the store again over existing data is harmless")
  default void openTwice() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    ProjectionStore again = fixture().anotherStore();
    ProjectionStore andAgain = fixture().anotherStore();

    assertThat(again.count("orders")).isEqualTo(1);
    assertThat(andAgain.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
  }

  /**
   * Contract: opening the store and preparing read models from several threads at once is harmless.
   *
   * @throws Exception if an opening thread fails otherwise or is interrupted
   */
  @Test
  @DisplayName("opening the store and preparing read models from several threads at once is harmless")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  default void concurrentOpens() throws Exception {
    List<ProjectionStore> stores = runConcurrently(4, () -> {
      ProjectionStore opened = fixture().openStore();
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

  /**
   * Contract: prepareReadModel is idempotent and keeps documents, also from several threads.
   *
   * @throws Exception if a preparing thread fails otherwise or is interrupted
   */
  @Test
  @DisplayName("prepareReadModel is idempotent and keeps documents, also from several threads")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  default void prepareIdempotent() throws Exception {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    fixture().store().prepareReadModel(ORDERS);
    ReadModelSchema fresh = new ReadModelSchema("fresh_model", List.of("kind"));
    runConcurrently(4, () -> {
      ProjectionStore each = fixture().anotherStore();
      each.prepareReadModel(ORDERS);
      each.prepareReadModel(fresh);
      each.prepareReadModel(fresh);
      return each;
    });

    assertThat(fixture().store().count("orders")).isEqualTo(1);
    assertThat(ids(fixture().store().findByIndex("orders", "status", "PLACED"))).containsExactly("o-1");
    fixture().store().prepareReadModel(fresh);
    seed(fixture().store(), "fresh_model", List.of(doc("f-1", "{}", Map.of("kind", "k"), 2)));
    assertThat(ids(fixture().store().findByIndex("fresh_model", "kind", "k"))).containsExactly("f-1");
  }

  /** Contract: an index declared later is usable for documents written after it. */
  @Test
  @DisplayName("an index declared later is usable for documents written after it")
  default void indexAddedLater() {
    seed(fixture().store(), "notes", List.of(doc("n-1", "{}", Map.of(), 1)));
    ReadModelSchema notesWithTag = new ReadModelSchema("notes", List.of("tag"));
    ProjectionStore upgraded = fixture().openStore();
    upgraded.prepareReadModel(notesWithTag);
    upgraded.prepareReadModel(ORDERS);
    seed(upgraded, "notes", List.of(doc("n-2", "{}", Map.of("tag", "red"), 2)));

    assertThat(ids(upgraded.findByIndex("notes", "tag", "red"))).containsExactly("n-2");
    assertThat(upgraded.count("notes")).isEqualTo(2);
  }

  /**
   * Contract: a stored schema newer than the code is refused with a clear
   * StoreConfigurationException.
   */
  @Test
  @DisplayName("a stored schema newer than the code is refused with a clear StoreConfigurationException")
  default void newerSchemaRefused() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    fixture().makeStoredSchemaNewerThanCode();

    assertThatThrownBy(() -> fixture().openStore())
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("newer");
  }
}
