package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.StoreFixture.NOTES;
import static io.orchestrix.projection.tck.StoreFixture.ORDERS;
import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.assertSameDocument;
import static io.orchestrix.projection.tck.StoreFixtures.contents;
import static io.orchestrix.projection.tck.StoreFixtures.deadLetter;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.grouped;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.snapshot;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A commit is all or nothing, even when the store fails in the middle of it, and a retried commit
 * applies once. Uses {@link StoreFixture#openStoreFailingAfterWrites}; the all-or-nothing checks are
 * aborted for a store whose {@link StoreFixture#commitsAreAtomic()} is false.
 */
public interface AtomicityContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

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
    Map<String, Object> outcome = new TreeMap<>();
    outcome.put("state", target.loadState(projection)
        .map(s -> s.lastProcessedPosition() + "/" + s.lastProcessedEventId() + "/" + s.healthy()).orElse("none"));
    outcome.put("deadLetters", target.deadLetters(projection).stream()
        .map(d -> d.position() + "/" + d.eventId() + "/" + d.attempts()).collect(Collectors.toList()));
    outcome.put("orders", contents(target, orders));
    outcome.put("notes", contents(target, notes));
    return outcome;
  }

  /** Contract: a commit applies its changes, dead letters and state together. */
  @Test
  @DisplayName("a commit applies its changes, dead letters and state together")
  default void commitAppliesEverything() {
    seedBefore(fixture().store());
    long token = fixture().store().claimWriter(PROJECTION);
    fixture().store().commit(richCommit(token));

    assertThat(fixture().store().loadState(PROJECTION)).contains(stateAt(PROJECTION, 9));
    assertThat(contents(fixture().store(), "orders").keySet()).containsExactly("o-1", "o-3");
    assertThat(contents(fixture().store(), "notes").keySet()).containsExactly("n-1", "n-2");
    assertSameDocument(fixture().store().find("orders", "o-1").orElse(null), order("o-1", "SHIPPED", "c-1", 110, 9));
    assertSameDocument(fixture().store().find("notes", "n-1").orElse(null), doc("n-1", "{\"text\":\"changed\"}", Map.of(), 9));
    assertThat(fixture().store().deadLetters(PROJECTION)).extracting(DeadLetter::position).containsExactly(1L, 2L, 4L, 6L);
  }

  /**
   * Contract: a commit (a reset too) cut short after any single write leaves nothing of it visible,
   * and completing it gives the uninterrupted result.
   */
  @Test
  @DisplayName("a commit (a reset too) cut short after any single write leaves nothing of it visible, and completing it gives the uninterrupted result")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  default void failureAfterAnyWriteLeavesNothing() {
    fixture().assumeAtomicCommits();
    fixture().store().prepareReadModel(new ReadModelSchema("orders_clean", ORDERS.indexes()));
    fixture().store().prepareReadModel(new ReadModelSchema("notes_clean", NOTES.indexes()));
    seedBefore(fixture().store(), "clean", "orders_clean", "notes_clean");
    fixture().store().commit(richCommit("clean", "orders_clean", "notes_clean", fixture().store().claimWriter("clean")));
    Map<String, Object> uninterrupted = outcome(fixture().store(), "clean", "orders_clean", "notes_clean");

    seedBefore(fixture().store());
    int injected = commitThroughFaults(this::richCommit);

    assertThat(outcome(fixture().anotherStore(), PROJECTION, "orders", "notes"))
        .as("the result after %d interrupted commits and a complete one", injected).isEqualTo(uninterrupted);

    // a reset commit too: clearing read models and dead letters is part of the same all-or-nothing
    commitThroughFaults(token -> Commit.reset(token, 9, ProjectionState.initial(PROJECTION, T0),
        Set.of("orders", "notes")));

    assertThat(fixture().store().loadState(PROJECTION)).contains(ProjectionState.initial(PROJECTION, T0));
    assertThat(fixture().store().count("orders")).isZero();
    assertThat(fixture().store().count("notes")).isZero();
    assertThat(fixture().store().deadLetters(PROJECTION)).isEmpty();
  }

  /**
   * Commits through stores failing after 0, 1, 2, ... writes until one gets through, checking after
   * each failure that nothing of the commit is visible; returns how many failures were injected.
   */
  private int commitThroughFaults(LongFunction<Commit> commitWithToken) {
    Set<String> readModels = Set.of("orders", "notes");
    Map<String, Object> before = snapshot(fixture().store(), PROJECTION, readModels);
    int injected = 0;
    for (int writes = 0; ; writes++) {
      assertThat(writes).as("the commit should end within 1,000 writes").isLessThan(1000);
      long token = fixture().store().claimWriter(PROJECTION);
      ProjectionStore failing = fixture().openStoreFailingAfterWrites(writes);
      failing.prepareReadModel(ORDERS);
      failing.prepareReadModel(NOTES);
      Throwable failure = catchThrowable(() -> failing.commit(commitWithToken.apply(token)));
      if (failure == null) {
        break;
      }
      injected++;
      assertThat(failure).as("failure injected after %d writes", writes).isInstanceOf(StoreException.class);
      assertThat(snapshot(fixture().anotherStore(), PROJECTION, readModels))
          .as("what is visible after a failure injected after %d writes", writes).isEqualTo(before);
    }
    assertThat(injected).as("failures injected before the commit succeeded").isPositive();
    return injected;
  }

  /**
   * Contract: after a failed commit, the same commit retried on a healthy store applies exactly
   * once.
   */
  @Test
  @DisplayName("after a failed commit, the same commit retried on a healthy store applies exactly once")
  default void retryAfterFailureAppliesOnce() {
    seedBefore(fixture().store());
    long token = fixture().store().claimWriter(PROJECTION);
    ProjectionStore failing = fixture().openStoreFailingAfterWrites(0);
    assertThatThrownBy(() -> failing.commit(richCommit(token))).isInstanceOf(StoreException.class);

    fixture().store().commit(richCommit(token));

    assertThat(fixture().store().loadState(PROJECTION)).contains(stateAt(PROJECTION, 9));
    assertThat(contents(fixture().store(), "orders").keySet()).containsExactly("o-1", "o-3");
    assertThat(fixture().store().deadLetters(PROJECTION)).extracting(DeadLetter::position).containsExactly(1L, 2L, 4L, 6L);
    assertThatThrownBy(() -> fixture().store().commit(richCommit(token)))
        .as("the same commit a second time").isInstanceOf(CheckpointConflictException.class);
  }
}
