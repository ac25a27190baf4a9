package io.orchestrix.projection.test;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.test.internal.JsonDiff;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What to check after a scenario's events: documents (exactly, by predicate, by an index query), the
 * checkpoint and health, dead letters, the failure the when phase raised, and attempts per event.
 * Each check returns this, so checks chain; the first that fails throws
 * {@link ProjectionAssertionError} naming the events the projection was given, the document and the
 * event that last wrote it, with a JSON diff of expected and actual document.
 *
 * <p>"The k-th when event" counts the when phase's events from 1; a k with no such event throws
 * {@link IllegalArgumentException}. Every argument must be non-null, and a read model must be one the
 * projection declares (otherwise the engine's {@link IllegalArgumentException}). Documents and state
 * are read from the store, as committed. Not thread-safe.
 */
public final class Then {

  private final Outcome outcome;

  Then(ProjectionFixture fixture, ProjectionFixture.Run run, List<EventEnvelope<?>> delivered,
      List<EventEnvelope<?>> whenEvents, @Nullable RuntimeException thrown) {
    this(new Outcome(fixture, run, delivered, whenEvents, thrown));
  }

  private Then(Outcome outcome) {
    this.outcome = outcome;
  }

  // ---- documents

  /**
   * Checks that the document with this id equals the expected one, compared as JSON.
   *
   * @param <T> the read model's document type
   * @param readModel the read model to look in
   * @param id the document's id
   * @param expected the document expected, encoded by the projection's codec to compare
   * @return this, for the next check
   * @throws ProjectionAssertionError if the document is missing or differs, with both as JSON
   */
  public <T> Then document(ReadModel<T> readModel, String id, T expected) {
    Objects.requireNonNull(expected, "expected must not be null");
    String expectedJson = JsonDiff.pretty(outcome.encode(expected));
    Optional<StoredDocument> actual = outcome.stored(readModel, id);
    if (actual.isEmpty()) {
      throw outcome.fail(outcome.describe(readModel, id, null) + " is missing; expected:\n"
          + expectedJson, expectedJson, null);
    }
    List<String> differences = JsonDiff.differences(expectedJson, actual.get().json());
    if (!differences.isEmpty()) {
      String actualJson = JsonDiff.pretty(actual.get().json());
      throw outcome.fail(outcome.describe(readModel, id, actual.get())
          + " differs from the expected one:\n  " + String.join("\n  ", differences)
          + "\nexpected:\n" + expectedJson + "\nactual:\n" + actualJson, expectedJson, actualJson);
    }
    return this;
  }

  /**
   * Checks that the document with this id exists and meets the condition.
   *
   * @param <T> the read model's document type
   * @param readModel the read model to look in
   * @param id the document's id
   * @param condition what the document must meet, given the document as the read model reads it
   * @param description the condition in words, for the message
   * @return this, for the next check
   * @throws ProjectionAssertionError if the document is missing or does not meet the condition
   */
  public <T> Then document(ReadModel<T> readModel, String id, Predicate<? super T> condition,
      String description) {
    Objects.requireNonNull(condition, "condition must not be null");
    Optional<StoredDocument> actual = outcome.stored(readModel, id);
    if (actual.isEmpty()) {
      throw outcome.fail(outcome.describe(readModel, id, null) + " is missing; expected one that "
          + description, null, null);
    }
    T document = outcome.view(readModel).findById(id).orElseThrow();
    if (!condition.test(document)) {
      String actualJson = JsonDiff.pretty(actual.get().json());
      throw outcome.fail(outcome.describe(readModel, id, actual.get())
          + " does not meet the condition: " + description + "\nactual:\n" + actualJson, null,
          actualJson);
    }
    return this;
  }

  /**
   * Checks that no document has this id.
   *
   * @param readModel the read model to look in
   * @param id the id no document may have
   * @return this, for the next check
   * @throws ProjectionAssertionError if a document has it, showing that document
   */
  public Then noDocument(ReadModel<?> readModel, String id) {
    Optional<StoredDocument> actual = outcome.stored(readModel, id);
    if (actual.isPresent()) {
      String actualJson = JsonDiff.pretty(actual.get().json());
      throw outcome.fail(outcome.describe(readModel, id, actual.get())
          + " exists but was expected absent:\n" + actualJson, null, actualJson);
    }
    return this;
  }

  /**
   * Checks that the read model holds exactly these documents: none missing, none more, each equal
   * as JSON. With none expected, checks that the read model is empty.
   *
   * @param <T> the read model's document type
   * @param readModel the read model to look in
   * @param expected the documents expected, identified by the read model's ids
   * @return this, for the next check
   * @throws ProjectionAssertionError naming the unexpected ids, or the first document missing or
   *     different
   */
  @SafeVarargs
  public final <T> Then documents(ReadModel<T> readModel, T... expected) {
    Map<String, T> byId = new LinkedHashMap<>();
    for (T document : expected) {
      byId.put(readModel.idOf(document), document);
    }
    TreeSet<String> actualIds = new TreeSet<>();
    outcome.view(readModel).streamAll().forEach(d -> actualIds.add(readModel.idOf(d)));
    List<String> unexpected = actualIds.stream().filter(id -> !byId.containsKey(id)).toList();
    if (!unexpected.isEmpty()) {
      StoredDocument first = outcome.stored(readModel, unexpected.get(0)).orElseThrow();
      String firstJson = JsonDiff.pretty(first.json());
      throw outcome.fail("read model '" + readModel.name() + "' holds documents not expected: "
          + unexpected + "; the first, " + outcome.describe(readModel, first.id(), first)
          + ", is:\n" + firstJson, null, firstJson);
    }
    byId.forEach((id, document) -> document(readModel, id, document));
    return this;
  }

  /**
   * Checks that every document of the read model meets the condition; true of an empty read model.
   *
   * @param <T> the read model's document type
   * @param readModel the read model to look in
   * @param condition what every document must meet
   * @param description the condition in words, for the message
   * @return this, for the next check
   * @throws ProjectionAssertionError showing the first document that does not meet it
   */
  public <T> Then allDocuments(ReadModel<T> readModel, Predicate<? super T> condition,
      String description) {
    outcome.view(readModel).streamAll().filter(condition.negate()).findFirst().ifPresent(document -> {
      String id = readModel.idOf(document);
      StoredDocument stored = outcome.stored(readModel, id).orElseThrow();
      String actualJson = JsonDiff.pretty(stored.json());
      throw outcome.fail(outcome.describe(readModel, id, stored) + " does not meet the condition: "
          + description + "\nactual:\n" + actualJson, null, actualJson);
    });
    return this;
  }

  /**
   * Checks that a query by index returns exactly the documents with these ids, in any order.
   *
   * @param <T> the read model's document type
   * @param readModel the read model to query
   * @param index an index the read model declares
   * @param value the value to match exactly
   * @param expectedIds the ids of the documents expected; none to expect an empty result
   * @return this, for the next check
   * @throws ProjectionAssertionError naming the ids missing and those not expected
   */
  public <T> Then query(ReadModel<T> readModel, String index, String value, String... expectedIds) {
    TreeSet<String> actual = new TreeSet<>();
    outcome.view(readModel).findBy(index, value).forEach(d -> actual.add(readModel.idOf(d)));
    TreeSet<String> expected = new TreeSet<>(Arrays.asList(expectedIds));
    if (!actual.equals(expected)) {
      throw outcome.queryMismatch(readModel, index + " = '" + value + "'", expected, actual);
    }
    return this;
  }

  // ---- state, failures, dead letters

  /**
   * Checks the projection's checkpoint: the position of the last event it committed.
   *
   * @param position the checkpoint expected
   * @return this, for the next check
   * @throws ProjectionAssertionError if the checkpoint is another, saying where it stopped if so
   */
  public Then checkpoint(long position) {
    ProjectionState state = outcome.state();
    if (state.lastProcessedPosition() != position) {
      throw outcome.fail("the checkpoint is " + state.lastProcessedPosition() + " but " + position
          + " was expected" + (state.healthy() ? "" : "; " + Outcome.stateLine(state)), null, null);
    }
    return this;
  }

  /**
   * Checks that the projection is healthy: not stopped at a failed event.
   *
   * @return this, for the next check
   * @throws ProjectionAssertionError naming the event it stopped at and its error
   */
  public Then healthy() {
    ProjectionState state = outcome.state();
    if (!state.healthy()) {
      throw outcome.fail("the projection was expected healthy but " + Outcome.stateLine(state),
          null, null);
    }
    return this;
  }

  /**
   * Checks that the projection is stopped, unhealthy, at the k-th when event.
   *
   * @param whenEvent k, counting the when phase's events from 1
   * @return this, for the next check
   * @throws ProjectionAssertionError if it is healthy or stopped at another event
   */
  public Then stoppedAt(int whenEvent) {
    EventEnvelope<?> event = outcome.whenEvent(whenEvent);
    ProjectionState state = outcome.state();
    if (state.healthy() || state.failedPosition() != event.position()) {
      throw outcome.fail("the projection was expected stopped at " + outcome.describe(event)
          + " but " + (state.healthy() ? "it is healthy at checkpoint "
              + state.lastProcessedPosition() : Outcome.stateLine(state)), null, null);
    }
    return this;
  }

  /**
   * Checks that the k-th when event is a dead letter that failed, not one parked behind another.
   *
   * @param whenEvent k, counting the when phase's events from 1
   * @return this, for the next check
   * @throws ProjectionAssertionError if it is parked or no dead letter, listing the dead letters
   */
  public Then deadLettered(int whenEvent) {
    return deadLetter(whenEvent, false);
  }

  /**
   * Checks that the k-th when event is parked behind an earlier dead letter of its stream.
   *
   * @param whenEvent k, counting the when phase's events from 1
   * @return this, for the next check
   * @throws ProjectionAssertionError if it failed itself or is none, listing the dead letters
   */
  public Then parked(int whenEvent) {
    return deadLetter(whenEvent, true);
  }

  /**
   * Checks that the projection has no dead letters, failed or parked.
   *
   * @return this, for the next check
   * @throws ProjectionAssertionError listing the dead letters there are
   */
  public Then noDeadLetters() {
    List<DeadLetter> letters = outcome.deadLetters();
    if (!letters.isEmpty()) {
      throw outcome.fail("no dead letter was expected but there are " + letters.size() + ": "
          + outcome.describeDeadLetters(), null, null);
    }
    return this;
  }

  /**
   * Checks that the when phase raised an exception of this type (or a subtype).
   *
   * @param type the type expected
   * @return this, for the next check
   * @throws ProjectionAssertionError if it raised nothing or another type, which is then the cause
   */
  public Then failed(Class<? extends Throwable> type) {
    RuntimeException thrown = outcome.thrown();
    if (!type.isInstance(thrown)) {
      throw outcome.fail("the when phase was expected to fail with " + type.getName() + " but "
          + (thrown == null ? "it raised nothing" : "it raised " + thrown), null, null);
    }
    return this;
  }

  /**
   * Checks that the when phase raised nothing.
   *
   * @return this, for the next check
   * @throws ProjectionAssertionError whose cause is what the when phase raised
   */
  public Then noFailure() {
    if (outcome.thrown() != null) {
      throw outcome.fail("the when phase was expected to raise nothing but raised "
          + outcome.thrown(), null, null);
    }
    return this;
  }

  /**
   * Checks how many times the projection's handlers were run on the k-th when event, retries
   * included.
   *
   * @param whenEvent k, counting the when phase's events from 1
   * @param expected the number of attempts expected
   * @return this, for the next check
   * @throws ProjectionAssertionError if there were more or fewer
   */
  public Then attempts(int whenEvent, int expected) {
    EventEnvelope<?> event = outcome.whenEvent(whenEvent);
    int actual = outcome.run().faults().attempts(event.position());
    if (actual != expected) {
      throw outcome.fail(outcome.describe(event) + " was attempted " + actual + " times but "
          + expected + " were expected", null, null);
    }
    return this;
  }

  /**
   * Restarts the projection, as a process would after a crash (a new engine on the same store, the
   * faults gone), and delivers every event of the scenario again from the first; what was committed
   * is skipped, so nothing may be applied twice. A {@link io.orchestrix.projection.ProjectionException}
   * the redelivery raises is kept for {@link #failed} and {@link #noFailure}, not thrown.
   *
   * @return the checks of the restarted projection, whose failure is that of the redelivery
   */
  public Then afterRestartAndRedelivery() {
    return new Then(outcome.afterRestartAndRedelivery());
  }

  /**
   * The engine the events went through, for checks of your own.
   *
   * @return the engine the scenario ran, whose state the checks read
   */
  public ProjectionEngine engine() {
    return outcome.run().engine();
  }

  /**
   * The committed documents of a read model, for checks of your own.
   *
   * @param <T> the read model's document type
   * @param readModel a read model the projection declares
   * @return a view of its committed documents
   */
  public <T> ReadModelView<T> readModel(ReadModel<T> readModel) {
    return outcome.view(readModel);
  }

  private Then deadLetter(int whenEvent, boolean parked) {
    EventEnvelope<?> event = outcome.whenEvent(whenEvent);
    List<DeadLetter> letters = outcome.deadLetters();
    Optional<DeadLetter> letter = letters.stream()
        .filter(l -> l.position() == event.position()).findFirst();
    if (letter.isEmpty() || letter.get().isParked() != parked) {
      String is = letter.map(l -> "it is " + (l.isParked() ? "parked" : "dead-lettered")).orElse(
          "it is not a dead letter; the dead letters are " + outcome.describeDeadLetters());
      throw outcome.fail(outcome.describe(event) + " was expected "
          + (parked ? "parked" : "dead-lettered") + " but " + is, null, null);
    }
    return this;
  }
}
