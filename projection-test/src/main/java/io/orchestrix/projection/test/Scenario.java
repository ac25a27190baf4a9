package io.orchestrix.projection.test;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A given/when/then scenario over one projection: the given events are applied (and must succeed),
 * then the faults are armed and the when events processed, in one batch or one per batch; whatever
 * that throws is kept for {@link Then#failed} rather than thrown. Each scenario runs on an engine and
 * store of its own (see {@link ProjectionFixture} for stores).
 *
 * <p>Events may be plain payloads (in the fixture's stream), {@link TestEvent}s (a stream and
 * metadata of their own) or ready {@link EventEnvelope}s; the kit numbers positions from 1 and names
 * events {@code evt-<position>}. Not thread-safe; use each scenario once.
 */
public final class Scenario {

  private final ProjectionFixture fixture;
  private final EventSequence sequence;
  private final List<EventEnvelope<?>> given = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private boolean oneByOne;

  Scenario(ProjectionFixture fixture, EventSequence sequence) {
    this.fixture = fixture;
    this.sequence = sequence;
  }

  /**
   * More events applied before the when phase.
   *
   * @param events payloads, {@link TestEvent}s or envelopes, placed after the events given so far
   * @return this scenario
   */
  public Scenario given(Object... events) {
    given.addAll(sequence.next(events));
    return this;
  }

  /**
   * A fault at the k-th event of the when phase.
   *
   * @param fault the fault; not null
   * @return this scenario
   */
  public Scenario with(Fault fault) {
    faults.add(Objects.requireNonNull(fault, "fault must not be null"));
    return this;
  }

  /**
   * Processes the when events one per batch instead of in one batch.
   *
   * @return this scenario
   */
  public Scenario oneEventPerBatch() {
    this.oneByOne = true;
    return this;
  }

  /**
   * Processes the events and returns what to check.
   *
   * @param events payloads, {@link TestEvent}s or envelopes, placed after the given events
   * @return the checks over the result; a failure the when phase raised is kept for {@link
   *     Then#failed}
   */
  public Then when(Object... events) {
    List<EventEnvelope<?>> whenEvents = sequence.next(events);
    for (Fault fault : faults) {
      if (fault.event() > whenEvents.size()) {
        throw new IllegalArgumentException("fault " + fault + " names when event " + fault.event()
            + " but the when phase has " + whenEvents.size() + " events");
      }
    }
    ProjectionFixture.Run run = fixture.open(builder -> {});
    if (!given.isEmpty()) {
      try {
        run.engine().processEvents(given);
      } catch (ProjectionException e) {
        throw new ProjectionAssertionError("projection '" + fixture.projectionId()
            + "': the given events failed, so the scenario could not start: " + e.getMessage(),
            null, null, e);
      }
    }
    for (Fault fault : faults) {
      long position = whenEvents.get(fault.event() - 1).position();
      if (fault instanceof Fault.HandlerFailure handler) {
        run.faults().failAt(position, handler.times());
      } else if (fault instanceof Fault.StoreFailure store) {
        run.store().failCommitAt(position, store.times(),
            store.timing() == Fault.StoreFailure.Timing.AFTER_APPLYING);
      }
    }
    RuntimeException thrown = process(run, whenEvents);
    List<EventEnvelope<?>> all = new ArrayList<>(given);
    all.addAll(whenEvents);
    return new Then(fixture, run, all, whenEvents, thrown);
  }

  /**
   * Applies only the given events and returns what to check.
   *
   * @return the checks over the result of the given events
   */
  public Then then() {
    return when();
  }

  private @Nullable RuntimeException process(ProjectionFixture.Run run,
      List<EventEnvelope<?>> events) {
    if (events.isEmpty()) {
      return null;
    }
    try {
      if (oneByOne) {
        for (EventEnvelope<?> event : events) {
          run.engine().handleEvent(event);
        }
      } else {
        run.engine().processEvents(events);
      }
      return null;
    } catch (ProjectionException e) {
      return e;
    }
  }
}
