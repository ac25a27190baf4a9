package io.orchestrix.projection.test;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What a scenario left for {@link Then} to check: the run the events went through, the events
 * delivered and those of the when phase, and what the when phase raised; and how a failed check
 * describes it, naming the events and the event that last wrote a document. Not thread-safe.
 */
final class Outcome {

  private final ProjectionFixture fixture;
  private final ProjectionFixture.Run run;
  private final List<EventEnvelope<?>> delivered;
  private final List<EventEnvelope<?>> whenEvents;
  private final @Nullable RuntimeException thrown;

  Outcome(ProjectionFixture fixture, ProjectionFixture.Run run, List<EventEnvelope<?>> delivered,
      List<EventEnvelope<?>> whenEvents, @Nullable RuntimeException thrown) {
    this.fixture = fixture;
    this.run = run;
    this.delivered = List.copyOf(delivered);
    this.whenEvents = List.copyOf(whenEvents);
    this.thrown = thrown;
  }

  ProjectionFixture.Run run() {
    return run;
  }

  @Nullable RuntimeException thrown() {
    return thrown;
  }

  /** The projection restarted on the same store, the faults gone, every event delivered again. */
  Outcome afterRestartAndRedelivery() {
    ProjectionFixture.Run restarted = fixture.restart(run);
    RuntimeException again = null;
    try {
      restarted.engine().processEvents(delivered);
    } catch (ProjectionException e) {
      again = e;
    }
    return new Outcome(fixture, restarted, delivered, whenEvents, again);
  }

  String encode(Object document) {
    return fixture.codec().encode(document);
  }

  /** What the store holds: after a lost reply the engine's own view may lag behind it. */
  ProjectionState state() {
    run.engine().state();
    return run.store().realStore().loadState(fixture.projectionId())
        .orElseGet(() -> run.engine().state());
  }

  <T> ReadModelView<T> view(ReadModel<T> readModel) {
    return run.engine().readModel(readModel);
  }

  Optional<StoredDocument> stored(ReadModel<?> readModel, String id) {
    Objects.requireNonNull(id, "id must not be null");
    view(readModel);
    return run.store().realStore().find(readModel.name(), id);
  }

  List<DeadLetter> deadLetters() {
    return run.engine().operations().deadLetters();
  }

  /** The k-th when event, counting from 1; {@link IllegalArgumentException} if there is none. */
  EventEnvelope<?> whenEvent(int k) {
    if (k < 1 || k > whenEvents.size()) {
      throw new IllegalArgumentException("when event " + k + " does not exist: the when phase has "
          + whenEvents.size() + " events");
    }
    return whenEvents.get(k - 1);
  }

  String describe(ReadModel<?> readModel, String id, @Nullable StoredDocument stored) {
    String text = "document '" + id + "' of read model '" + readModel.name() + "'";
    if (stored != null && stored.position() > 0) {
      text += " (last written by the event at " + delivered.stream()
          .filter(e -> e.position() == stored.position()).findFirst().map(this::describe)
          .orElse("position " + stored.position()) + ")";
    }
    return text;
  }

  String describe(EventEnvelope<?> event) {
    return "position " + event.position() + " (" + event.eventId() + ", " + event.payloadTypeName()
        + ", stream " + event.streamId() + ")";
  }

  String describe(DeadLetter letter) {
    return "position " + letter.position() + " " + (letter.isParked() ? "parked" : letter.errorType());
  }

  List<String> describeDeadLetters() {
    return deadLetters().stream().map(this::describe).toList();
  }

  /** The error of an index query that found other documents than expected, naming the extra ones. */
  ProjectionAssertionError queryMismatch(ReadModel<?> readModel, String query,
      SortedSet<String> expected, SortedSet<String> actual) {
    TreeSet<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    TreeSet<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    List<String> lines = new ArrayList<>();
    for (String id : extra) {
      stored(readModel, id).ifPresent(s -> lines.add("  found " + describe(readModel, id, s)));
    }
    return fail("query " + query + " on read model '" + readModel.name() + "' returned " + actual
        + " but " + expected + " was expected; missing " + missing + ", not expected " + extra
        + (lines.isEmpty() ? "" : "\n" + String.join("\n", lines)),
        expected.toString(), actual.toString());
  }

  static String stateLine(ProjectionState state) {
    return "it is " + (state.healthy() ? "healthy" : "stopped at position " + state.failedPosition()
        + " (" + state.lastError() + ")") + " with checkpoint " + state.lastProcessedPosition();
  }

  /** The error a failed check throws, with the JSON (or ids) compared when there are some. */
  ProjectionAssertionError fail(String what, @Nullable String expected, @Nullable String actual) {
    String events = delivered.isEmpty() ? "no events" : "events at positions "
        + delivered.get(0).position() + ".." + delivered.get(delivered.size() - 1).position()
        + " (last: " + describe(delivered.get(delivered.size() - 1)) + ")";
    String failure = thrown == null ? "" : "\n(the when phase raised " + thrown + ")";
    return new ProjectionAssertionError("projection '" + fixture.projectionId() + "' after "
        + events + ":\n" + what + failure, expected, actual, thrown);
  }
}
