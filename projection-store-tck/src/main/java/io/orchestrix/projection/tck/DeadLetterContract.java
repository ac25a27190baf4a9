package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.deadLetter;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.spi.Commit;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Dead letters are stored, listed in order, replaced and removed, all inside commits, per projection. */
public interface DeadLetterContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** Contract: dead letters added by commits are listed by position, equal to what was added. */
  @Test
  @DisplayName("dead letters added by commits are listed by position, equal to what was added")
  default void addedAndListed() {
    long token = fixture().store().claimWriter(PROJECTION);
    fixture().store().commit(Commit.batch(token, 0, stateAt(PROJECTION, 20), List.of(),
        List.of(deadLetter(PROJECTION, 17), deadLetter(PROJECTION, 3), deadLetter(PROJECTION, 11))));

    assertThat(fixture().anotherStore().deadLetters(PROJECTION)).containsExactly(
        deadLetter(PROJECTION, 3), deadLetter(PROJECTION, 11), deadLetter(PROJECTION, 17));
    assertThat(fixture().store().deadLetters("nobody")).isEmpty();
  }

  /** Contract: a dead letter at a position already stored replaces it; removed ones are gone. */
  @Test
  @DisplayName("a dead letter at a position already stored replaces it; removed ones are gone")
  default void replacedAndRemoved() {
    long token = fixture().store().claimWriter(PROJECTION);
    fixture().store().commit(Commit.batch(token, 0, stateAt(PROJECTION, 20), List.of(),
        List.of(deadLetter(PROJECTION, 3), deadLetter(PROJECTION, 11), deadLetter(PROJECTION, 17))));
    DeadLetter retried = new DeadLetter(PROJECTION, 11, "event-11", "stream-2", "com.example.OrderPlaced",
        "{}", "OrderHandler#on", "java.lang.RuntimeException", "", "trace", 5, T0, T0.plusSeconds(60));
    fixture().store().commit(Commit.deadLetterUpdate(token, stateAt(PROJECTION, 20), List.of(),
        List.of(retried, deadLetter(PROJECTION, 19)), List.of(3L, 99L, 19L)));

    assertThat(fixture().store().deadLetters(PROJECTION))
        .as("added before removed: position 19, added and removed in one commit, is gone")
        .containsExactly(retried, deadLetter(PROJECTION, 17));
  }

  /** Contract: dead letters of projections are kept apart. */
  @Test
  @DisplayName("dead letters of projections are kept apart")
  default void projectionsApart() {
    for (String projection : List.of("alpha", "beta")) {
      long token = fixture().store().claimWriter(projection);
      fixture().store().commit(Commit.batch(token, 0, stateAt(projection, 5), List.of(),
          List.of(deadLetter(projection, 5))));
    }
    long token = fixture().store().claimWriter("alpha");
    fixture().store().commit(Commit.deadLetterUpdate(token, stateAt("alpha", 5), List.of(), List.of(), List.of(5L)));

    assertThat(fixture().store().deadLetters("alpha")).isEmpty();
    assertThat(fixture().store().deadLetters("beta")).containsExactly(deadLetter("beta", 5));
  }
}
