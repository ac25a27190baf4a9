package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.ContractSupport.seed;
import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.deadLetter;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.grouped;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.Commit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A reset commit clears the projection's read models and dead letters and moves the checkpoint back. */
public interface ResetContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /**
   * Contract: a reset commit clears the named read models and the projection's dead letters, and
   * sets the checkpoint back.
   */
  @Test
  @DisplayName("a reset commit clears the named read models and the projection's dead letters, and sets the checkpoint back")
  default void resetClears() {
    long token = fixture().store().claimWriter(PROJECTION);
    fixture().store().commit(Commit.batch(token, 0, stateAt(PROJECTION, 50), grouped(List.of(
        put("orders", order("o-1", "PLACED", "c", 1, 50)), put("orders", order("o-2", "PLACED", "c", 1, 50)),
        put("notes", doc("n-1", "{}", Map.of(), 50)))),
        List.of(deadLetter(PROJECTION, 7))));
    long otherToken = fixture().store().claimWriter("other");
    fixture().store().commit(Commit.batch(otherToken, 0, stateAt("other", 3), List.of(),
        List.of(deadLetter("other", 3))));

    long resetToken = fixture().store().claimWriter(PROJECTION);
    fixture().store().commit(Commit.reset(resetToken, 50, ProjectionState.initial(PROJECTION, T0),
        Set.of("orders")));

    assertThat(fixture().store().loadState(PROJECTION)).contains(ProjectionState.initial(PROJECTION, T0));
    assertThat(fixture().store().count("orders")).isZero();
    assertThat(fixture().store().findByIndex("orders", "status", "PLACED")).isEmpty();
    assertThat(fixture().store().count("notes")).as("a read model not named in the reset").isEqualTo(1);
    assertThat(fixture().store().deadLetters(PROJECTION)).isEmpty();
    assertThat(fixture().store().deadLetters("other")).extracting(DeadLetter::position).containsExactly(3L);
    assertThat(fixture().store().loadState("other").orElseThrow().lastProcessedPosition()).isEqualTo(3);
  }

  /** Contract: a reset is fenced like any commit. */
  @Test
  @DisplayName("a reset is fenced like any commit")
  default void resetIsFenced() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c", 1, 1)));
    long oldToken = fixture().store().claimWriter(PROJECTION);
    fixture().anotherStore().claimWriter(PROJECTION);

    assertThatThrownBy(() -> fixture().store().commit(Commit.reset(oldToken, 1,
        ProjectionState.initial(PROJECTION, T0), Set.of("orders"))))
        .isInstanceOf(WriterFencedException.class);
    assertThat(fixture().store().count("orders")).isEqualTo(1);
    assertThat(fixture().store().loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
  }
}
