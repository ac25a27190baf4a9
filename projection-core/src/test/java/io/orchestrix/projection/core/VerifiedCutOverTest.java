package io.orchestrix.projection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.DocumentDifference;
import io.orchestrix.projection.Generation;
import io.orchestrix.projection.GenerationComparison;
import io.orchestrix.projection.GenerationMismatchException;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The digest check before a cut-over, on the in-memory store: a new version meant to give the same
 * result is compared with the live one at the same position; an identical handler cuts over, a
 * deliberately changed one is refused with its first differing documents and stays being built.
 */
class VerifiedCutOverTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int ACCOUNTS = 30;

  /** An account's balance; the same in every version unless a version changes its handler. */
  record Total(String id, String owner, long balance) {}

  static final ReadModel<Total> TOTALS = ReadModel.builder("total", Total.class)
      .id(Total::id).index("owner", Total::owner).build();

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();

  @AfterEach
  void stop() {
    runners.forEach(ProjectionRunner::stop);
  }

  /** A version of the projection; {@code bonus} changes what a deposit to acc-7 adds. */
  private ProjectionEngine engine(String version, long bonus) {
    ProjectionEngine engine = Projections.engine("totals").store(store.openAnother())
        .readModel(TOTALS).version(version).verifyBeforeCutOver(true).cutOverLag(0)
        .generationRefresh(Duration.ofMillis(50)).build();
    engine.on(Opened.class, (Opened e, HandlerContext c) ->
        c.readModel(TOTALS).save(new Total(e.account(), e.owner(), 0)));
    engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
      Total before = c.readModel(TOTALS).findById(e.account()).orElseThrow();
      long extra = e.account().equals("acc-7") ? bonus : 0;
      c.readModel(TOTALS).save(new Total(before.id(), before.owner(),
          before.balance() + e.amount() + extra));
    });
    return engine;
  }

  private long history(int deposits) {
    long last = 0;
    for (int a = 0; a < ACCOUNTS; a++) {
      last = log.append("acc-" + a, new Opened("acc-" + a, "owner-" + (a % 3)));
    }
    for (int d = 0; d < deposits; d++) {
      last = log.append("acc-" + (d % ACCOUNTS), new Deposited("acc-" + (d % ACCOUNTS), 2));
    }
    return last;
  }

  @Test
  void anIdenticalHandlerCutsOverOnceBothStandAtTheSamePosition() {
    long last = history(120);
    ProjectionEngine v1 = engine("1", 0);
    v1.processEvents(log.read(0, 1_000));
    ProjectionEngine v2 = engine("2", 0);
    v2.generations().startRebuild();
    v2.processEvents(log.read(0, (int) last - 10));

    assertThat(v2.generations().compare(5)).as("not at the same position").isEmpty();
    assertThatThrownBy(() -> v2.generations().cutOver())
        .isInstanceOf(GenerationStateException.class).hasMessageContaining("same position");
    assertThat(v2.generations().live().number()).isEqualTo(1);

    v2.processEvents(log.read(last - 10, 1_000));
    GenerationComparison comparison = v2.generations().compare(5).orElseThrow();
    assertThat(comparison.identical()).isTrue();
    assertThat(comparison.documents()).isEqualTo(ACCOUNTS);
    assertThat(comparison.positions()).containsExactly(last);

    Generation live = v2.generations().cutOver();
    assertThat(live.number()).isEqualTo(2);
    assertThat(v1.readModel(TOTALS).findById("acc-7").orElseThrow().balance()).isEqualTo(8);
  }

  @Test
  void aDeliberatelyChangedHandlerIsRefusedWithItsFirstDifferingDocumentsAndStaysBuilt() {
    long last = history(120);
    ProjectionEngine v1 = engine("1", 0);
    v1.processEvents(log.read(0, 1_000));
    ProjectionEngine changed = engine("2", 1);
    changed.generations().startRebuild();
    changed.processEvents(log.read(0, 1_000));

    assertThatThrownBy(() -> changed.generations().cutOver())
        .isInstanceOfSatisfying(GenerationMismatchException.class, refused -> {
          assertThat(refused.comparison().differing()).isEqualTo(1);
          assertThat(refused.comparison().documents()).isEqualTo(ACCOUNTS);
          DocumentDifference difference = refused.comparison().firstDifferences().get(0);
          assertThat(difference.readModel()).isEqualTo("total");
          assertThat(difference.id()).isEqualTo("acc-7");
          assertThat(difference.live()).contains("\"balance\":8");
          assertThat(difference.built()).contains("\"balance\":12");
        })
        .hasMessageContaining("differs from live generation 1 at position [" + last + "] in 1 of "
            + ACCOUNTS + " documents");
    assertThat(changed.generations().list()).extracting(Generation::state)
        .containsExactly(Generation.State.LIVE, Generation.State.BUILDING);
    assertThat(v1.readModel(TOTALS).findById("acc-7").orElseThrow().balance())
        .as("queries still read the live generation").isEqualTo(8);

    changed.processEvents(List.of(Fixtures.event(last + 1, new Opened("acc-new", "x"))));
    assertThat(changed.generations().compare(10)).as("one event further than the live one")
        .isEmpty();
  }

  private ProjectionRunner run(ProjectionEngine engine) {
    ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).batchSize(10)
        .maxIdleWait(Duration.ofMillis(20)).build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  @Test
  void aRunnerCutsOverAnIdenticalHandlerByItselfOnceVerified() {
    long last = history(60);
    ProjectionEngine v1 = engine("1", 0);
    assertThat(awaitPosition(run(v1), last)).isTrue();
    ProjectionEngine v2 = engine("2", 0);
    run(v2);

    await().atMost(DEADLINE).until(() -> v1.generations().live().number() == 2);
    assertThat(v1.readModel(TOTALS).findById("acc-7").orElseThrow().balance()).isEqualTo(4);
  }

  @Test
  void aRunnerNeverCutsOverADeliberatelyChangedHandlerAndReportsTheRefusal() {
    long last = history(60);
    ProjectionEngine v1 = engine("1", 0);
    assertThat(awaitPosition(run(v1), last)).isTrue();
    ProjectionEngine changed = engine("2", 1);
    ProjectionRunner builder = run(changed);

    await().atMost(DEADLINE).untilAsserted(() -> assertThat(builder.status("totals").lastError())
        .contains("cut-over refused, generation 2 differs from live generation 1"));
    assertThat(changed.generations().list()).extracting(Generation::state)
        .containsExactly(Generation.State.LIVE, Generation.State.BUILDING);
    assertThat(v1.readModel(TOTALS).findById("acc-7").orElseThrow().balance()).isEqualTo(4);

    v1.generations().drop(2);
    await().atMost(DEADLINE).until(() -> builder.status("totals").state() == RunState.FAILED);
    assertThat(builder.status("totals").lastError()).contains("generation 2 of this version was"
        + " dropped");
    assertThat(v1.generations().list()).extracting(Generation::state)
        .containsExactly(Generation.State.LIVE, Generation.State.DROPPED);
  }

  private static boolean awaitPosition(ProjectionRunner runner, long position) {
    try {
      return runner.awaitPosition("totals", position, DEADLINE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
