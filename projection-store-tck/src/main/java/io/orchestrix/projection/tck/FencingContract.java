package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.ContractSupport.runConcurrently;
import static io.orchestrix.projection.tck.ContractSupport.seed;
import static io.orchestrix.projection.tck.StoreFixtures.assertSameDocument;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.contents;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Only the current writer moves the checkpoint, and only from where it is: stale checkpoints and old
 * writer tokens are refused and write nothing, also under concurrency.
 */
public interface FencingContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /**
   * Contract: a commit from a stale checkpoint is refused with CheckpointConflictException and
   * writes nothing.
   */
  @Test
  @DisplayName("a commit from a stale checkpoint is refused with CheckpointConflictException and writes nothing")
  default void staleCheckpointRefused() {
    seed(fixture().store(), "orders", List.of(order("o-1", "PLACED", "c-1", 1, 1)));
    long token = fixture().store().claimWriter(PROJECTION);

    Throwable refused = catchThrowable(() -> fixture().store().commit(commit(PROJECTION, token, 0, 5,
        List.of(put("orders", order("o-1", "STALE", "c-9", 9, 5)), put("orders", order("o-2", "STALE", "c", 1, 5))))));

    assertThat(refused).isInstanceOf(CheckpointConflictException.class);
    CheckpointConflictException conflict = (CheckpointConflictException) refused;
    assertThat(conflict.expectedPosition()).isZero();
    assertThat(conflict.actualPosition()).isEqualTo(1);
    assertThat(conflict.projectionId()).contains(PROJECTION);
    assertThat(fixture().store().loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
    assertSameDocument(fixture().store().find("orders", "o-1").orElse(null), order("o-1", "PLACED", "c-1", 1, 1));
    assertThat(fixture().store().find("orders", "o-2")).isEmpty();
  }

  /** Contract: claimWriter returns a greater token every time, across store instances. */
  @Test
  @DisplayName("claimWriter returns a greater token every time, across store instances")
  default void tokensIncrease() {
    long first = fixture().store().claimWriter(PROJECTION);
    long second = fixture().anotherStore().claimWriter(PROJECTION);
    long third = fixture().store().claimWriter(PROJECTION);
    long otherProjection = fixture().store().claimWriter("another-projection");

    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
    assertThat(otherProjection).as("a token of another projection").isNotNegative();
  }

  /**
   * Contract: an old writer's commit after a newer claim is refused with WriterFencedException and
   * writes nothing.
   */
  @Test
  @DisplayName("an old writer's commit after a newer claim is refused with WriterFencedException and writes nothing")
  default void oldWriterFenced() {
    ProjectionStore oldOwner = fixture().store();
    ProjectionStore newOwner = fixture().anotherStore();
    long oldToken = oldOwner.claimWriter(PROJECTION);
    long newToken = newOwner.claimWriter(PROJECTION);

    Throwable refused = catchThrowable(() -> oldOwner.commit(commit(PROJECTION, oldToken, 0, 3,
        List.of(put("orders", order("o-1", "OLD", "c", 1, 3))))));

    assertThat(refused).isInstanceOf(WriterFencedException.class);
    assertThat(((WriterFencedException) refused).writerToken()).isEqualTo(oldToken);
    assertThat(((WriterFencedException) refused).currentToken()).isEqualTo(newToken);
    assertThat(oldOwner.find("orders", "o-1")).isEmpty();
    assertThat(oldOwner.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isZero();

    newOwner.commit(commit(PROJECTION, newToken, 0, 3, List.of(put("orders", order("o-1", "NEW", "c", 1, 3)))));
    assertThat(oldOwner.find("orders", "o-1").orElseThrow().indexValues()).containsEntry("status", "NEW");
  }

  /**
   * Contract: of many threads committing from the same checkpoint, exactly one wins; the others get
   * CheckpointConflictException.
   *
   * @throws Exception if a committing thread fails otherwise or is interrupted
   */
  @Test
  @DisplayName("of many threads committing from the same checkpoint, exactly one wins; the others get CheckpointConflictException")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  default void exactlyOneConcurrentCommitWins() throws Exception {
    fixture().assumeAtomicCommits();
    seed(fixture().store(), "orders", List.of(order("shared", "PLACED", "c", 0, 1)));
    long token = fixture().store().claimWriter(PROJECTION);
    int threads = 8;
    List<ProjectionStore> stores = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      stores.add(i % 2 == 0 ? fixture().store() : fixture().anotherStore());
    }
    List<Integer> slots = Collections.synchronizedList(new ArrayList<>(IntStream.range(0, threads).boxed().toList()));

    List<String> outcomes = runConcurrently(threads, () -> {
      int slot = slots.remove(0);
      try {
        stores.get(slot).commit(commit(PROJECTION, token, 1, 2 + slot, List.of(
            put("orders", order("shared", "BY-" + slot, "c", slot, 2 + slot)),
            put("orders", order("only-" + slot, "BY-" + slot, "c", slot, 2 + slot)))));
        return "won:" + slot;
      } catch (CheckpointConflictException conflict) {
        return "conflict";
      }
    });

    List<String> winners = outcomes.stream().filter(o -> o.startsWith("won:")).collect(Collectors.toList());
    assertThat(winners).as("outcomes %s", outcomes).hasSize(1);
    assertThat(outcomes).filteredOn("conflict"::equals).hasSize(threads - 1);
    int winner = Integer.parseInt(winners.get(0).substring(4));
    assertThat(fixture().store().loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(2L + winner);
    assertThat(fixture().store().find("orders", "shared").orElseThrow().indexValues()).containsEntry("status", "BY-" + winner);
    assertThat(contents(fixture().store(), "orders").keySet()).containsExactlyInAnyOrder("shared", "only-" + winner);
  }

  /**
   * Contract: two writers racing: never do both move the checkpoint from the same position,
   * whatever the timing.
   *
   * @throws Exception if a writer thread fails otherwise or is interrupted
   */
  @Test
  @DisplayName("two writers racing: never do both move the checkpoint from the same position, whatever the timing")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  default void racingWritersNeverBothCommit() throws Exception {
    for (int round = 0; round < 5; round++) {
      String projection = "race-" + round;
      ProjectionStore first = fixture().store();
      ProjectionStore second = fixture().anotherStore();
      long firstToken = first.claimWriter(projection);
      AtomicInteger roles = new AtomicInteger();
      List<String> outcomes = runConcurrently(2, () -> {
        try {
          if (roles.getAndIncrement() == 0) {
            first.commit(commit(projection, firstToken, 0, 5,
                List.of(put("notes", doc(projection, "{\"by\":1}", Map.of(), 5)))));
            return "first";
          }
          long secondToken = second.claimWriter(projection);
          second.commit(commit(projection, secondToken, 0, 10,
              List.of(put("notes", doc(projection, "{\"by\":2}", Map.of(), 10)))));
          return "second";
        } catch (WriterFencedException | CheckpointConflictException refused) {
          return "refused";
        }
      });

      assertThat(outcomes).as("round %d: exactly one writer commits from 0", round)
          .containsOnlyOnce("refused");
      long checkpoint = first.loadState(projection).orElseThrow().lastProcessedPosition();
      String by = StoreFixtures.tree(first.find("notes", projection).orElseThrow().json()).get("by").asText();
      assertThat(checkpoint).isEqualTo(outcomes.contains("first") ? 5L : 10L);
      assertThat(by).isEqualTo(outcomes.contains("first") ? "1" : "2");
    }
  }
}
