package io.orchestrix.projection.test;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.test.internal.JsonDiff;
import java.util.ArrayList;
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
 * <p>"The k-th when event" counts the when phase's events from 1. Not thread-safe.
 */
public final class Then {

  private final ProjectionFixture fixture;
  private final ProjectionFixture.Run run;
  private final List<EventEnvelope<?>> delivered;
  private final List<EventEnvelope<?>> whenEvents;
  private final @Nullable RuntimeException thrown;

  Then(ProjectionFixture fixture, ProjectionFixture.Run run, List<EventEnvelope<?>> delivered,
      List<EventEnvelope<?>> whenEvents, @Nullable RuntimeException thrown) {
    this.fixture = fixture;
    this.run = run;
    this.delivered = List.copyOf(delivered);
    this.whenEvents = List.copyOf(whenEvents);
    this.thrown = thrown;
  }

  // ---- documents

  /** The document with this id equals the expected one, compared as JSON. */
  public <T> Then document(ReadModel<T> readModel, String id, T expected) {
    Objects.requireNonNull(expected, "expected must not be null");
    String expectedJson = JsonDiff.pretty(fixture.codec().encode(expected));
    Optional<StoredDocument> actual = stored(readModel, id);
    if (actual.isEmpty()) {
      throw fail(describe(readModel, id, null) + " is missing; expected:\n" + expectedJson,
          expectedJson, null);
    }
    List<String> differences = JsonDiff.differences(expectedJson, actual.get().json());
    if (!differences.isEmpty()) {
      String actualJson = JsonDiff.pretty(actual.get().json());
      throw fail(describe(readModel, id, actual.get()) + " differs from the expected one:\n  "
          + String.join("\n  ", differences) + "\nexpected:\n" + expectedJson + "\nactual:\n"
          + actualJson, expectedJson, actualJson);
    }
    return this;
  }

  /** The document with this id exists and meets the condition, described in words for messages. */
  public <T> Then document(ReadModel<T> readModel, String id, Predicate<? super T> condition,
      String description) {
    Objects.requireNonNull(condition, "condition must not be null");
    Optional<StoredDocument> actual = stored(readModel, id);
    if (actual.isEmpty()) {
      throw fail(describe(readModel, id, null) + " is missing; expected one that " + description,
          null, null);
    }
    T document = view(readModel).findById(id).orElseThrow();
    if (!condition.test(document)) {
      String actualJson = JsonDiff.pretty(actual.get().json());
      throw fail(describe(readModel, id, actual.get()) + " does not meet the condition: "
          + description + "\nactual:\n" + actualJson, null, actualJson);
    }
    return this;
  }

  /** No document has this id. */
  public Then noDocument(ReadModel<?> readModel, String id) {
    Optional<StoredDocument> actual = stored(readModel, id);
    if (actual.isPresent()) {
      String actualJson = JsonDiff.pretty(actual.get().json());
      throw fail(describe(readModel, id, actual.get()) + " exists but was expected absent:\n"
          + actualJson, null, actualJson);
    }
    return this;
  }

  /** The read model holds exactly these documents: none missing, none more, each equal as JSON. */
  @SafeVarargs
  public final <T> Then documents(ReadModel<T> readModel, T... expected) {
    Map<String, T> byId = new LinkedHashMap<>();
    for (T document : expected) {
      byId.put(readModel.idOf(document), document);
    }
    TreeSet<String> actualIds = new TreeSet<>();
    view(readModel).streamAll().forEach(d -> actualIds.add(readModel.idOf(d)));
    List<String> unexpected = actualIds.stream().filter(id -> !byId.containsKey(id)).toList();
    if (!unexpected.isEmpty()) {
      StoredDocument first = stored(readModel, unexpected.get(0)).orElseThrow();
      throw fail("read model '" + readModel.name() + "' holds documents not expected: " + unexpected
          + "; the first, " + describe(readModel, first.id(), first) + ", is:\n"
          + JsonDiff.pretty(first.json()), null, JsonDiff.pretty(first.json()));
    }
    byId.forEach((id, document) -> document(readModel, id, document));
    return this;
  }

  /** Every document of the read model meets the condition (true of an empty read model). */
  public <T> Then allDocuments(ReadModel<T> readModel, Predicate<? super T> condition,
      String description) {
    view(readModel).streamAll().filter(condition.negate()).findFirst().ifPresent(document -> {
      String id = readModel.idOf(document);
      StoredDocument stored = stored(readModel, id).orElseThrow();
      throw fail(describe(readModel, id, stored) + " does not meet the condition: " + description
          + "\nactual:\n" + JsonDiff.pretty(stored.json()), null, JsonDiff.pretty(stored.json()));
    });
    return this;
  }

  /** A query by index returns exactly the documents with these ids (in any order). */
  public <T> Then query(ReadModel<T> readModel, String index, String value, String... expectedIds) {
    TreeSet<String> actual = new TreeSet<>();
    view(readModel).findBy(index, value).forEach(d -> actual.add(readModel.idOf(d)));
    TreeSet<String> expected = new TreeSet<>(Arrays.asList(expectedIds));
    if (!actual.equals(expected)) {
      TreeSet<String> missing = new TreeSet<>(expected);
      missing.removeAll(actual);
      TreeSet<String> extra = new TreeSet<>(actual);
      extra.removeAll(expected);
      List<String> lines = new ArrayList<>();
      for (String id : extra) {
        stored(readModel, id).ifPresent(s -> lines.add("  found " + describe(readModel, id, s)));
      }
      throw fail("query " + index + " = '" + value + "' on read model '" + readModel.name()
          + "' returned " + actual + " but " + expected + " was expected; missing " + missing
          + ", not expected " + extra + (lines.isEmpty() ? "" : "\n" + String.join("\n", lines)),
          expected.toString(), actual.toString());
    }
    return this;
  }

  // ---- state, failures, dead letters

  /** The checkpoint is this position. */
  public Then checkpoint(long position) {
    ProjectionState state = state();
    if (state.lastProcessedPosition() != position) {
      throw fail("the checkpoint is " + state.lastProcessedPosition() + " but " + position
          + " was expected" + (state.healthy() ? "" : "; " + stateLine(state)), null, null);
    }
    return this;
  }

  /** The projection is healthy: not stopped at a failed event. */
  public Then healthy() {
    ProjectionState state = state();
    if (!state.healthy()) {
      throw fail("the projection was expected healthy but " + stateLine(state), null, null);
    }
    return this;
  }

  /** The projection is stopped, unhealthy, at the k-th when event. */
  public Then stoppedAt(int whenEvent) {
    EventEnvelope<?> event = whenEvent(whenEvent);
    ProjectionState state = state();
    if (state.healthy() || state.failedPosition() != event.position()) {
      throw fail("the projection was expected stopped at " + describe(event) + " but "
          + (state.healthy() ? "it is healthy at checkpoint " + state.lastProcessedPosition()
              : stateLine(state)), null, null);
    }
    return this;
  }

  /** The k-th when event is a dead letter that failed (not one parked behind another). */
  public Then deadLettered(int whenEvent) {
    return deadLetter(whenEvent, false);
  }

  /** The k-th when event is parked behind an earlier dead letter of its stream. */
  public Then parked(int whenEvent) {
    return deadLetter(whenEvent, true);
  }

  /** The projection has no dead letters. */
  public Then noDeadLetters() {
    List<DeadLetter> letters = run.engine().operations().deadLetters();
    if (!letters.isEmpty()) {
      throw fail("no dead letter was expected but there are " + letters.size() + ": "
          + letters.stream().map(this::describe).toList(), null, null);
    }
    return this;
  }

  /** The when phase raised this type of exception (its message is in the assertion's on failure). */
  public Then failed(Class<? extends Throwable> type) {
    if (!type.isInstance(thrown)) {
      throw fail("the when phase was expected to fail with " + type.getName() + " but "
          + (thrown == null ? "it raised nothing" : "it raised " + thrown), null, null);
    }
    return this;
  }

  /** The when phase raised nothing. */
  public Then noFailure() {
    if (thrown != null) {
      throw fail("the when phase was expected to raise nothing but raised " + thrown, null, null);
    }
    return this;
  }

  /** The projection's handlers were run on the k-th when event this many times. */
  public Then attempts(int whenEvent, int expected) {
    EventEnvelope<?> event = whenEvent(whenEvent);
    int actual = run.faults().attempts(event.position());
    if (actual != expected) {
      throw fail(describe(event) + " was attempted " + actual + " times but " + expected
          + " were expected", null, null);
    }
    return this;
  }

  /**
   * Restarts the projection, as a process would after a crash (a new engine on the same store, the
   * faults gone), and delivers every event of the scenario again from the first; what was committed
   * is skipped, so nothing may be applied twice.
   */
  public Then afterRestartAndRedelivery() {
    ProjectionFixture.Run restarted = fixture.restart(run);
    RuntimeException again = null;
    try {
      restarted.engine().processEvents(delivered);
    } catch (ProjectionException e) {
      again = e;
    }
    return new Then(fixture, restarted, delivered, whenEvents, again);
  }

  /** The engine the events went through, for checks of your own. */
  public ProjectionEngine engine() {
    return run.engine();
  }

  /** The committed documents of a read model. */
  public <T> ReadModelView<T> readModel(ReadModel<T> readModel) {
    return view(readModel);
  }

  // ---- messages

  /** What the store holds: after a lost reply the engine's own view may lag behind it. */
  private ProjectionState state() {
    run.engine().state();
    return run.store().realStore().loadState(fixture.projectionId())
        .orElseGet(() -> run.engine().state());
  }

  private <T> ReadModelView<T> view(ReadModel<T> readModel) {
    return run.engine().readModel(readModel);
  }

  private Optional<StoredDocument> stored(ReadModel<?> readModel, String id) {
    Objects.requireNonNull(id, "id must not be null");
    view(readModel);
    return run.store().realStore().find(readModel.name(), id);
  }

  private Then deadLetter(int whenEvent, boolean parked) {
    EventEnvelope<?> event = whenEvent(whenEvent);
    List<DeadLetter> letters = run.engine().operations().deadLetters();
    Optional<DeadLetter> letter = letters.stream()
        .filter(l -> l.position() == event.position()).findFirst();
    if (letter.isEmpty() || letter.get().isParked() != parked) {
      throw fail(describe(event) + " was expected " + (parked ? "parked" : "dead-lettered") + " but "
          + letter.map(l -> "it is " + (l.isParked() ? "parked" : "dead-lettered"))
              .orElse("it is not a dead letter; the dead letters are "
                  + letters.stream().map(this::describe).toList()), null, null);
    }
    return this;
  }

  private EventEnvelope<?> whenEvent(int k) {
    if (k < 1 || k > whenEvents.size()) {
      throw new IllegalArgumentException("when event " + k + " does not exist: the when phase has "
          + whenEvents.size() + " events");
    }
    return whenEvents.get(k - 1);
  }

  private String describe(ReadModel<?> readModel, String id, @Nullable StoredDocument stored) {
    String text = "document '" + id + "' of read model '" + readModel.name() + "'";
    if (stored != null && stored.position() > 0) {
      text += " (last written by the event at " + delivered.stream()
          .filter(e -> e.position() == stored.position()).findFirst().map(this::describe)
          .orElse("position " + stored.position()) + ")";
    }
    return text;
  }

  private String describe(EventEnvelope<?> event) {
    return "position " + event.position() + " (" + event.eventId() + ", " + event.payloadTypeName()
        + ", stream " + event.streamId() + ")";
  }

  private String describe(DeadLetter letter) {
    return "position " + letter.position() + " " + (letter.isParked() ? "parked" : letter.errorType());
  }

  private static String stateLine(ProjectionState state) {
    return "it is " + (state.healthy() ? "healthy" : "stopped at position " + state.failedPosition()
        + " (" + state.lastError() + ")") + " with checkpoint " + state.lastProcessedPosition();
  }

  private ProjectionAssertionError fail(String what, @Nullable String expected,
      @Nullable String actual) {
    String events = delivered.isEmpty() ? "no events" : "events at positions "
        + delivered.get(0).position() + ".." + delivered.get(delivered.size() - 1).position()
        + " (last: " + describe(delivered.get(delivered.size() - 1)) + ")";
    String failure = thrown == null ? "" : "\n(the when phase raised " + thrown + ")";
    return new ProjectionAssertionError("projection '" + fixture.projectionId() + "' after "
        + events + ":\n" + what + failure, expected, actual, thrown);
  }
}
