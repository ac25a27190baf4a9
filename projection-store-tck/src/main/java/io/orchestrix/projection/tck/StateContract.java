package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.ProjectionState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Projection state: saved, loaded and overwritten, kept per projection and across instances. */
public interface StateContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** Contract: an unknown projection has no state. */
  @Test
  @DisplayName("an unknown projection has no state")
  default void unknownProjectionHasNoState() {
    assertThat(fixture().store().loadState("never-stored")).isEmpty();
  }

  /** Contract: a saved state loads back equal, nullable fields and nanoseconds included. */
  @Test
  @DisplayName("a saved state loads back equal, nullable fields and nanoseconds included")
  default void savedStateLoadsBackEqual() {
    ProjectionState initial = ProjectionState.initial("p-initial", T0);
    ProjectionState full = new ProjectionState("p.full_1-X", "evt-ü-42", 42, 3, false,
        "IllegalStateException: boom \"quoted\" 'single' ünïcödé", 43, T0.plusNanos(1));
    fixture().store().saveState(initial);
    fixture().store().saveState(full);

    assertThat(fixture().store().loadState("p-initial")).contains(initial);
    assertThat(fixture().store().loadState("p.full_1-X")).contains(full);
  }

  /** Contract: saving again overwrites the state. */
  @Test
  @DisplayName("saving again overwrites the state")
  default void saveOverwrites() {
    fixture().store().saveState(stateAt("p", 5));
    ProjectionState later = stateAt("p", 9).failed(10, "boom", T0.plusSeconds(99));
    fixture().store().saveState(later);

    assertThat(fixture().store().loadState("p")).contains(later);
  }

  /** Contract: many projections are kept side by side. */
  @Test
  @DisplayName("many projections are kept side by side")
  default void manyProjectionsSideBySide() {
    for (int i = 1; i <= 40; i++) {
      fixture().store().saveState(stateAt("projection-" + i, i * 10L));
    }
    for (int i = 1; i <= 40; i++) {
      assertThat(fixture().store().loadState("projection-" + i).orElseThrow().lastProcessedPosition())
          .as("checkpoint of projection-%d", i).isEqualTo(i * 10L);
    }
  }

  /** Contract: state survives into a new store instance. */
  @Test
  @DisplayName("state survives into a new store instance")
  default void stateSurvivesNewInstance() {
    fixture().store().saveState(stateAt("p", 7));
    fixture().store().close();

    assertThat(fixture().anotherStore().loadState("p")).contains(stateAt("p", 7));
  }

  /** Contract: claiming a writer creates the initial state if there is none. */
  @Test
  @DisplayName("claiming a writer creates the initial state if there is none")
  default void claimCreatesInitialState() {
    fixture().store().claimWriter("fresh");

    ProjectionState state = fixture().store().loadState("fresh").orElseThrow();
    assertThat(state.lastProcessedPosition()).isZero();
    assertThat(state.healthy()).isTrue();
    assertThat(state.lastProcessedEventId()).isNull();
  }

  /** Contract: claiming a writer keeps an existing checkpoint. */
  @Test
  @DisplayName("claiming a writer keeps an existing checkpoint")
  default void claimKeepsCheckpoint() {
    fixture().store().saveState(stateAt("p", 12));
    fixture().store().claimWriter("p");

    assertThat(fixture().store().loadState("p")).contains(stateAt("p", 12));
  }
}
