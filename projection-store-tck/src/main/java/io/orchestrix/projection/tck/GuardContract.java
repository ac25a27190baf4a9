package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.ContractSupport.seed;
import static io.orchestrix.projection.tck.StoreFixture.NOTES;
import static io.orchestrix.projection.tck.StoreFixture.ORDERS;
import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.snapshot;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guards every store applies alike, before it does any work: page limits, read-model names, read
 * models prepared on the instance, declared indexes, null arguments, and the closed store. Each test
 * checks every call it concerns and reports all that differ at once.
 *
 * <p>Two calls are left out on purpose: {@link ProjectionStore#commitsAtomically()}, which says what
 * the store is rather than asking it anything, and {@link ProjectionStore#checkDocument}, which checks
 * a document's text without touching the store, after {@code close()} and for a null read-model name.
 */
public interface GuardContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** Every read-model call of a store, by name, made with the given read-model name. */
  private static Map<String, Consumer<ProjectionStore>> readModelCalls(String readModel) {
    Map<String, Consumer<ProjectionStore>> calls = new LinkedHashMap<>();
    calls.put("find", store -> store.find(readModel, "o-1"));
    calls.put("findAll", store -> store.findAll(readModel, List.of("o-1")));
    calls.put("findByIndex", store -> store.findByIndex(readModel, "status", "PLACED"));
    calls.put("count", store -> store.count(readModel));
    calls.put("page", store -> store.page(readModel, null, 10));
    return calls;
  }

  /**
   * Checks softly that a call was refused with an exception of the type whose message holds a text,
   * reporting a failure under the description.
   */
  private static void assertRefused(SoftAssertions softly, String description, Class<? extends Throwable> type,
      String named, ThrowingCallable call) {
    Throwable refused = catchThrowable(call);
    softly.assertThat(refused).as(description).isInstanceOf(type);
    if (type.isInstance(refused)) {
      softly.assertThat(refused.getMessage()).as("message of the refusal of %s", description).contains(named);
    }
  }

  /** Contract: page with a limit below 1 is refused with IllegalArgumentException. */
  @Test
  @DisplayName("page with a limit below 1 is refused with IllegalArgumentException")
  default void pageLimitBelowOneRefused() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    SoftAssertions softly = new SoftAssertions();

    for (int limit : new int[] {0, -1, Integer.MIN_VALUE}) {
      softly.assertThat(catchThrowable(() -> fixture().store().page("orders", null, limit)))
          .as("page with limit %d", limit).isInstanceOf(IllegalArgumentException.class);
      softly.assertThat(catchThrowable(() -> fixture().store().page("orders", "o-0", limit)))
          .as("page after an id with limit %d", limit).isInstanceOf(IllegalArgumentException.class);
    }
    softly.assertAll();
  }

  /**
   * Contract: an invalid read-model name is refused on every read-model call with
   * IllegalArgumentException naming it.
   */
  @Test
  @DisplayName("an invalid read-model name is refused on every read-model call with IllegalArgumentException naming it")
  default void invalidReadModelNameRefused() {
    ProjectionStore store = fixture().store();
    SoftAssertions softly = new SoftAssertions();

    for (String name : List.of("Orders", "orders-x", "1orders", "or ders", "orders;drop", "x".repeat(41))) {
      readModelCalls(name).forEach((call, made) -> assertRefused(softly, call + " on read model '" + name + "'",
          IllegalArgumentException.class, name, () -> made.accept(store)));
      assertRefused(softly, "prepareReadModel of '" + name + "'", IllegalArgumentException.class, name,
          () -> store.prepareReadModel(new ReadModelSchema(name, List.of())));
    }
    softly.assertAll();
  }

  /**
   * Contract: a read model not prepared on this instance is refused with IllegalArgumentException
   * naming it, even if another instance prepared it, and a commit naming one writes nothing.
   */
  @Test
  @DisplayName("a read model not prepared on this instance is refused with IllegalArgumentException naming it, even if another instance prepared it, and a commit naming one writes nothing")
  default void unpreparedReadModelRefused() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    ProjectionStore unprepared = fixture().openStore();
    SoftAssertions softly = new SoftAssertions();

    readModelCalls("orders").forEach((call, made) -> assertRefused(softly,
        call + " on a read model another instance prepared", IllegalArgumentException.class, "orders",
        () -> made.accept(unprepared)));
    readModelCalls("never_prepared").forEach((call, made) -> assertRefused(softly,
        call + " on a read model no instance prepared", IllegalArgumentException.class, "never_prepared",
        () -> made.accept(fixture().store())));
    Map<String, Object> before = snapshot(fixture().store(), PROJECTION, Set.of("orders", "notes"));
    long first = fixture().store().claimWriter("guard-1");
    assertRefused(softly, "a commit with changes to an unprepared read model",
        IllegalArgumentException.class, "never_prepared",
        () -> fixture().store().commit(commit("guard-1", first, 0, 1, List.of(
            put("orders", order("o-2", "PLACED", "c", 1, 1)), put("never_prepared", doc("x", "{}", Map.of(), 1))))));
    long second = fixture().store().claimWriter("guard-2");
    assertRefused(softly, "a reset of an unprepared read model",
        IllegalArgumentException.class, "never_prepared", () -> fixture().store().commit(Commit.reset(second, 0,
            ProjectionState.initial("guard-2", T0), Set.of("orders", "never_prepared"))));
    long third = unprepared.claimWriter("guard-3");
    assertRefused(softly, "a commit to a read model this instance did not prepare",
        IllegalArgumentException.class, "orders", () -> unprepared.commit(commit("guard-3", third, 0, 1, List.of(
            put("orders", order("o-2", "PLACED", "c", 1, 1))))));
    softly.assertAll();

    assertThat(snapshot(fixture().anotherStore(), PROJECTION, Set.of("orders", "notes")))
        .as("the store after the refused commits").isEqualTo(before);
  }

  /**
   * Contract: findByIndex on an index the read model did not declare is refused with
   * IllegalArgumentException naming the index.
   */
  @Test
  @DisplayName("findByIndex on an index the read model did not declare is refused with IllegalArgumentException naming the index")
  default void undeclaredIndexRefusedByName() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c-1", 1, 1)));
    SoftAssertions softly = new SoftAssertions();

    Map<String, String> undeclared = Map.of("orders", "total", "notes", "status");
    undeclared.forEach((readModel, index) -> assertRefused(softly,
        "index '" + index + "' of read model '" + readModel + "'", IllegalArgumentException.class, index,
        () -> fixture().store().findByIndex(readModel, index, "1")));
    assertRefused(softly, "an index name that no read model could declare", IllegalArgumentException.class,
        "Not An Index", () -> fixture().store().findByIndex("orders", "Not An Index", "1"));
    softly.assertAll();
  }

  /** Contract: a null argument is refused with NullPointerException naming it. */
  @Test
  @DisplayName("a null argument is refused with NullPointerException naming it")
  default void nullArgumentsRefused() {
    ProjectionStore store = fixture().store();
    StoredDocument document = order("o-1", "PLACED", "c", 1, 1);
    Map<String, Runnable> calls = new LinkedHashMap<>();
    calls.put("prepareReadModel(null) | schema", () -> store.prepareReadModel(null));
    calls.put("claimWriter(null) | projectionId", () -> store.claimWriter(null));
    calls.put("commit(null) | commit", () -> store.commit(null));
    calls.put("checkDocument(orders, null) | document", () -> store.checkDocument("orders", null));
    calls.put("loadState(null) | projectionId", () -> store.loadState(null));
    calls.put("saveState(null) | state", () -> store.saveState(null));
    calls.put("find(null, id) | readModel", () -> store.find(null, "o-1"));
    calls.put("find(orders, null) | id", () -> store.find("orders", null));
    calls.put("findAll(null, ids) | readModel", () -> store.findAll(null, List.of("o-1")));
    calls.put("findAll(orders, null) | ids", () -> store.findAll("orders", null));
    calls.put("findAll(orders, [o-1, null]) | id", () -> store.findAll("orders", Arrays.asList("o-1", null)));
    calls.put("findByIndex(null, status, v) | readModel", () -> store.findByIndex(null, "status", "v"));
    calls.put("findByIndex(orders, null, v) | index", () -> store.findByIndex("orders", null, "v"));
    calls.put("findByIndex(orders, status, null) | value", () -> store.findByIndex("orders", "status", null));
    calls.put("count(null) | readModel", () -> store.count(null));
    calls.put("page(null, null, 10) | readModel", () -> store.page(null, null, 10));
    calls.put("deadLetters(null) | projectionId", () -> store.deadLetters(null));
    seed(store, "orders", List.of(document));
    SoftAssertions softly = new SoftAssertions();

    calls.forEach((call, made) -> {
      String[] callAndArgument = call.split(" \\| ");
      assertRefused(softly, callAndArgument[0], NullPointerException.class, callAndArgument[1], made::run);
    });
    softly.assertAll();

    assertThat(store.find("orders", "o-1")).as("the store still answers").isPresent();
  }

  /**
   * Contract: after close, every call but close and description is refused with a FATAL
   * StoreException saying the store is closed.
   */
  @Test
  @DisplayName("after close, every call but close and description is refused with a FATAL StoreException saying the store is closed")
  default void closedStoreRefusesEveryCall() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    ProjectionStore closed = fixture().anotherStore();
    long token = closed.claimWriter(PROJECTION);
    Commit next = commit(PROJECTION, token, 1, 2, List.of(put("orders", order("o-2", "PLACED", "c", 1, 2))));
    closed.close();
    Map<String, Runnable> calls = new LinkedHashMap<>();
    calls.put("prepareReadModel", () -> closed.prepareReadModel(NOTES));
    calls.put("prepareReadModel of a new read model",
        () -> closed.prepareReadModel(new ReadModelSchema("fresh", List.of())));
    calls.put("claimWriter", () -> closed.claimWriter(PROJECTION));
    calls.put("commit", () -> closed.commit(next));
    calls.put("loadState", () -> closed.loadState(PROJECTION));
    calls.put("saveState", () -> closed.saveState(stateAt("another", 1)));
    calls.put("deadLetters", () -> closed.deadLetters(PROJECTION));
    readModelCalls(ORDERS.name()).forEach((call, made) -> calls.put(call, () -> made.accept(closed)));
    SoftAssertions softly = new SoftAssertions();

    calls.forEach((call, made) -> softly.assertThat(catchThrowable(made::run)).as("%s after close", call)
        .isInstanceOfSatisfying(StoreException.class, refused -> {
          assertThat(refused.kind()).as("kind of the refusal of %s", call).isEqualTo(FailureKind.FATAL);
          assertThat(refused.getMessage()).as("message of the refusal of %s", call).contains("closed");
        }));
    softly.assertThatCode(closed::description).as("description after close").doesNotThrowAnyException();
    softly.assertAll();

    assertThat(fixture().store().loadState(PROJECTION).orElseThrow().lastProcessedPosition())
        .as("the checkpoint, untouched by the closed instance").isEqualTo(1);
  }

  /** Contract: close is idempotent, and closing one instance leaves the others working. */
  @Test
  @DisplayName("close is idempotent, and closing one instance leaves the others working")
  default void closeIsIdempotent() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    ProjectionStore another = fixture().anotherStore();

    assertThatCode(() -> {
      another.close();
      another.close();
    }).as("closing twice").doesNotThrowAnyException();
    assertThat(another.description()).as("description after close").isNotBlank();
    assertThat(fixture().store().find("orders", "o-1")).as("another instance after the close").isPresent();
  }
}
