package io.orchestrix.projection.test;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.core.ProjectionEngineBuilder;
import io.orchestrix.projection.test.internal.StoreSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The checks that run a projection's events several times from scratch and compare the results:
 * determinism, and recovery from a crash at each commit. Not thread-safe; one use per check.
 */
final class RunChecks {

  private static final int SHOWN_DIFFERENCES = 5;

  private final ProjectionFixture fixture;
  private final List<EventEnvelope<?>> events;

  RunChecks(ProjectionFixture fixture, List<EventEnvelope<?>> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a check needs at least one event");
    }
    this.fixture = fixture;
    this.events = events;
  }

  String determinism() {
    StoreSnapshot first = run(Batches.ONE, b -> {});
    letTheWallClockMove();
    compare(first, run(Batches.ONE, b -> {}),
        "the same events processed twice from scratch (the second run later by the wall clock) gave "
            + "different results: a handler depends on the time or on state outside the read models");
    StoreSnapshot oneByOne = run(Batches.ONE_PER_EVENT, b -> b.cacheSize(0));
    compare(first, oneByOne, "the events in one batch and one per batch (each document read back "
        + "from its JSON) gave different results: a handler keeps state between events outside the "
        + "read models, or a document does not read back as it was saved");
    return first.digest();
  }

  void streamOrderIndependence() {
    StoreSnapshot asGiven = run(Batches.ONE, b -> {});
    Map<String, List<EventEnvelope<?>>> byStream = new LinkedHashMap<>();
    events.forEach(e -> byStream.computeIfAbsent(e.streamId(), s -> new ArrayList<>()).add(e));
    List<String> streams = new ArrayList<>(byStream.keySet());
    Collections.reverse(streams);
    List<EventEnvelope<?>> regrouped = new ArrayList<>();
    for (String stream : streams) {
      for (EventEnvelope<?> e : byStream.get(stream)) {
        long position = regrouped.size() + 1L;
        regrouped.add(new EventEnvelope<>("evt-" + position, e.streamId(), position, e.occurredAt(),
            e.metadata(), e.payload()));
      }
    }
    ProjectionFixture.Run run = fixture.open(b -> {});
    processQuietly(run, regrouped);
    StoreSnapshot grouped = snapshot(run);
    List<String> differences = asGiven.withoutPositions().differencesTo(grouped.withoutPositions(),
        SHOWN_DIFFERENCES);
    if (!differences.isEmpty()) {
      throw new ProjectionAssertionError("projection '" + fixture.projectionId() + "': the events "
          + "of streams " + byStream.keySet() + " gave different read models when the streams were "
          + "interleaved differently (each stream's order kept): a handler depends on the order of "
          + "events across streams:\n  " + String.join("\n  ", differences));
    }
  }

  private enum Batches { ONE, ONE_PER_EVENT }

  private StoreSnapshot run(Batches batches, Consumer<ProjectionEngineBuilder> variant) {
    ProjectionFixture.Run run = fixture.open(variant);
    if (batches == Batches.ONE) {
      processQuietly(run, events);
    } else {
      processOneByOne(run);
    }
    return snapshot(run);
  }

  private void processOneByOne(ProjectionFixture.Run run) {
    for (EventEnvelope<?> event : events) {
      if (!processQuietly(run, List.of(event))) {
        return;
      }
    }
  }

  int crashRecovery() {
    ProjectionFixture.Run reference = fixture.open(b -> {});
    processQuietly(reference, events);
    StoreSnapshot expected = snapshot(reference);
    int checked = 0;
    for (EventEnvelope<?> crashAt : events) {
      for (boolean afterApplying : new boolean[] {false, true}) {
        ProjectionFixture.Run crashed = fixture.open(b -> {});
        crashed.store().failCommitAt(crashAt.position(), 1, afterApplying);
        processOneByOne(crashed);
        ProjectionFixture.Run restarted = fixture.restart(crashed);
        processQuietly(restarted, events);
        compare(expected, snapshot(restarted), "after a crash at the commit of the event at position "
            + crashAt.position() + " (" + crashAt.eventId() + ", " + crashAt.payloadTypeName()
            + ", stream " + crashAt.streamId() + ", the store failing "
            + (afterApplying ? "after applying it, its reply lost" : "before applying it")
            + ") and a restart that delivered every event again, the result differs from an "
            + "uninterrupted run's: something was applied twice or lost, or a handler keeps state "
            + "outside the read models");
        checked++;
      }
    }
    return checked;
  }

  /** Processes a batch; a projection failure is part of the result compared, not an error here. */
  private static boolean processQuietly(ProjectionFixture.Run run, List<EventEnvelope<?>> batch) {
    try {
      run.engine().processEvents(batch);
      return true;
    } catch (ProjectionException e) {
      return false;
    }
  }

  private StoreSnapshot snapshot(ProjectionFixture.Run run) {
    run.engine().state();
    fixture.readModels().forEach(readModel -> run.engine().readModel(readModel));
    return StoreSnapshot.of(run.store(), fixture.projectionId(), fixture.readModels());
  }

  private void compare(StoreSnapshot expected, StoreSnapshot actual, String what) {
    List<String> differences = expected.differencesTo(actual, SHOWN_DIFFERENCES);
    if (!differences.isEmpty()) {
      throw new ProjectionAssertionError("projection '" + fixture.projectionId() + "' with events at "
          + "positions " + events.get(0).position() + ".." + events.get(events.size() - 1).position()
          + ": " + what + ":\n  " + String.join("\n  ", differences));
    }
  }

  /**
   * Waits (spinning, a few milliseconds at most) until the wall clock has moved on, so that a handler
   * reading it sees another time in the next run.
   */
  private static void letTheWallClockMove() {
    long start = System.currentTimeMillis();
    while (System.currentTimeMillis() < start + 2) {
      Thread.onSpinWait();
    }
  }
}
