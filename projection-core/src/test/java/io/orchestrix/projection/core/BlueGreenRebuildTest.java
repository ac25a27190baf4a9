package io.orchestrix.projection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.Generation;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ProjectionVersionException;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.RebuildProgress;
import io.orchestrix.projection.SideEffecting;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rebuilds without downtime on the in-memory store: nodes are runners in one JVM, each with its own
 * engine and its own store instance on the same data ({@code openAnother}), as separate processes
 * would be. Every document a version writes carries that version, so a query shows which generation
 * answered it.
 */
class BlueGreenRebuildTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int ACCOUNTS = 40;

  /** An account as one version of the projection keeps it. */
  record Balance(String id, String owner, long balance, String version) {}

  static final ReadModel<Balance> BALANCES = ReadModel.builder("balance", Balance.class)
      .id(Balance::id).index("owner", Balance::owner).build();

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();

  @AfterEach
  void stop() {
    runners.forEach(ProjectionRunner::stop);
  }

  private ProjectionEngine engine(String version, java.util.function.UnaryOperator<ProjectionEngineBuilder> options) {
    ProjectionEngine engine = options.apply(Projections.engine("balances")
        .store(store.openAnother()).readModel(BALANCES).version(version)
        .generationRefresh(Duration.ofMillis(50)).cutOverLag(0)).build();
    engine.on(Opened.class, (Opened e, HandlerContext c) ->
        c.readModel(BALANCES).save(new Balance(e.account(), e.owner(), 0, version)));
    engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
      Balance before = c.readModel(BALANCES).findById(e.account()).orElseThrow();
      c.readModel(BALANCES).save(new Balance(before.id(), before.owner(),
          before.balance() + e.amount(), version));
    });
    return engine;
  }

  private ProjectionEngine engine(String version) {
    return engine(version, builder -> builder);
  }

  private ProjectionRunner run(ProjectionEngine engine) {
    ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).batchSize(10)
        .maxIdleWait(Duration.ofMillis(20)).build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  private long history(int deposits) {
    long last = 0;
    for (int a = 0; a < ACCOUNTS; a++) {
      last = log.append("acc-" + a, new Opened("acc-" + a, "owner-" + (a % 4)));
    }
    for (int d = 0; d < deposits; d++) {
      last = log.append("acc-" + (d % ACCOUNTS), new Deposited("acc-" + (d % ACCOUNTS), 1));
    }
    return last;
  }

  private static Set<String> versions(ReadModelView<Balance> view) {
    Set<String> versions = new java.util.TreeSet<>();
    view.streamAll().forEach(balance -> versions.add(balance.version()));
    return versions;
  }

  @Test
  void aNewVersionIsBuiltBesideTheLiveOneCutOverAndOlderCodeIsRefused() throws Exception {
    long last = history(200);
    ProjectionEngine v1 = engine("1");
    ProjectionRunner a = run(v1);
    assertThat(a.awaitPosition("balances", last, DEADLINE)).isTrue();
    assertThat(versions(v1.readModel(BALANCES))).containsExactly("1");
    assertThat(v1.generations().list()).extracting(Generation::number).containsExactly(1);

    ProjectionEngine v2 = engine("2");
    run(v2);

    await().atMost(DEADLINE).until(() -> v1.generations().live().version().equals("2"));
    assertThat(versions(v1.readModel(BALANCES))).as("the old node's queries read the live one")
        .containsExactly("2");
    assertThat(v1.readModel(BALANCES).count()).isEqualTo(ACCOUNTS);
    assertThat(v1.readModel(BALANCES).findById("acc-3").orElseThrow().balance()).isEqualTo(5);
    assertThat(v1.generations().list()).extracting(Generation::number, Generation::version,
        Generation::state).containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "1", Generation.State.RETIRED),
            org.assertj.core.groups.Tuple.tuple(2, "2", Generation.State.LIVE));

    await().atMost(DEADLINE).untilAsserted(() -> {
      ProjectionStatus old = a.status("balances");
      assertThat(old.state()).isEqualTo(RunState.FAILED);
      assertThat(old.lastError()).contains("version '1'", "version '2'");
    });
    assertThat(a.health().up()).isFalse();
    assertThatThrownBy(() -> engine("1").processEvents(Fixtures.events(last + 1,
        new Opened("late", "x"))))
        .isInstanceOf(ProjectionVersionException.class)
        .hasMessageContaining("code is version '1'").hasMessageContaining("version '2'");

    long more = log.append("acc-new", new Opened("acc-new", "owner-0"));
    await().atMost(DEADLINE).until(() -> v2.readModel(BALANCES).findById("acc-new").isPresent());
    assertThat(v2.readModel(BALANCES).findById("acc-new").orElseThrow().version()).isEqualTo("2");
    assertThat(more).isGreaterThan(last);
  }

  @Test
  void aReaderQueryingThroughoutTheRebuildAndCutOverNeverSeesAnEmptyOrMixedModel()
      throws Exception {
    long last = history(400);
    ProjectionEngine v1 = engine("1");
    ProjectionRunner a = run(v1);
    assertThat(a.awaitPosition("balances", last, DEADLINE)).isTrue();

    ProjectionEngine reader = engine("1");
    ReadModelView<Balance> view = reader.readModel(BALANCES);
    List<String> violations = new CopyOnWriteArrayList<>();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger queries = new AtomicInteger();
    Thread thread = new Thread(() -> {
      int i = 0;
      while (!Thread.currentThread().isInterrupted() && violations.size() < 5) {
        String id = "acc-" + (i++ % ACCOUNTS);
        Optional<Balance> one = view.findById(id);
        if (one.isEmpty()) {
          violations.add("no " + id);
        } else {
          seen.add(one.get().version());
        }
        List<Balance> byOwner = view.findBy("owner", "owner-" + (i % 4));
        if (byOwner.size() != ACCOUNTS / 4) {
          violations.add("owner-" + (i % 4) + " has " + byOwner.size());
        }
        if (byOwner.stream().map(Balance::version).distinct().count() > 1) {
          violations.add("mixed: " + byOwner);
        }
        long count = view.count();
        if (count != ACCOUNTS) {
          violations.add("count " + count);
        }
        Set<String> all = versions(view);
        if (all.size() != 1) {
          violations.add("streamAll saw " + all);
        }
        queries.incrementAndGet();
      }
    }, "reader");
    thread.setDaemon(true);
    thread.start();

    run(engine("2"));
    await().atMost(DEADLINE).until(() -> v1.generations().live().version().equals("2"));
    int atCutOver = queries.get();
    await().atMost(DEADLINE).until(() -> queries.get() > atCutOver + 20 && seen.contains("2"));
    thread.interrupt();
    thread.join(DEADLINE.toMillis());

    assertThat(violations).as("what the reader saw wrong").isEmpty();
    assertThat(seen).as("the reader saw the old generation, then the new one").contains("1", "2");
  }

  @Test
  void sideEffectingHandlersAreSkippedWhileBuildingAndCalledOnceLive() throws Exception {
    long last = history(20);
    assertThat(run(engine("1")).awaitPosition("balances", last, DEADLINE)).isTrue();
    List<String> effects = new CopyOnWriteArrayList<>();
    List<Boolean> rebuilding = new CopyOnWriteArrayList<>();
    ProjectionEngine v2 = engine("2");
    v2.onSideEffect(Opened.class, (Opened e, HandlerContext c) -> effects.add("lambda " + e.account()));
    v2.register(new Object() {
      @Handles
      @SideEffecting
      void mail(Opened e) {
        effects.add("mail " + e.account());
      }
    });
    v2.on(Opened.class, (Opened e, HandlerContext c) -> rebuilding.add(c.isRebuilding()));
    run(v2);

    await().atMost(DEADLINE).until(() -> v2.generations().live().version().equals("2"));
    assertThat(effects).as("nothing is repeated by the rebuild").isEmpty();
    assertThat(rebuilding).hasSize(ACCOUNTS).containsOnly(true);

    long next = log.append("acc-live", new Opened("acc-live", "owner-1"));
    await().atMost(DEADLINE).until(() -> effects.size() == 2);
    assertThat(effects).containsExactlyInAnyOrder("lambda acc-live", "mail acc-live");
    assertThat(rebuilding.get(rebuilding.size() - 1)).isFalse();
    assertThat(next).isGreaterThan(last);
  }

  @Test
  void anOperatorStartsTheBuildSeesItsProgressAndCutsOver() throws Exception {
    long last = history(100);
    ProjectionEngine v1 = engine("1");
    assertThat(run(v1).awaitPosition("balances", last, DEADLINE)).isTrue();
    ProjectionEngine v2 = engine("2", builder -> builder.rebuildNewVersionOnStart(false)
        .automaticCutOver(false));
    ProjectionRunner b = run(v2);

    await().atMost(DEADLINE).untilAsserted(() -> {
      ProjectionStatus waiting = b.status("balances");
      assertThat(waiting.state()).isEqualTo(RunState.STANDBY);
      assertThat(waiting.lastError()).contains("version '2' is not built yet");
    });
    assertThat(v2.generations().building()).isEmpty();

    b.rebuild("balances", RebuildMode.BLUE_GREEN);

    await().atMost(DEADLINE).untilAsserted(() -> {
      Optional<RebuildProgress> reported = b.status("balances").rebuildProgress();
      assertThat(reported).as("the build's progress").isPresent();
      RebuildProgress progress = reported.get();
      assertThat(progress.generation()).isEqualTo(2);
      assertThat(progress.version()).isEqualTo("2");
      assertThat(progress.position()).isEqualTo(last);
      assertThat(progress.headPosition()).isEqualTo(last);
      assertThat(progress.percent()).isEqualTo(100.0);
      assertThat(progress.remaining()).isZero();
    });
    ProjectionStatus building = b.status("balances");
    assertThat(building.generation()).isEqualTo(2);
    assertThat(v1.generations().live().number()).as("no cut-over without the operator").isEqualTo(1);
    assertThat(versions(v2.readModel(BALANCES))).containsExactly("1");
    assertThatThrownBy(() -> v1.generations().startRebuild())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is the live one");

    Generation live = v2.generations().cutOver();

    assertThat(live.number()).isEqualTo(2);
    assertThat(versions(v1.readModel(BALANCES))).containsExactly("2");
    await().atMost(DEADLINE).until(() -> b.status("balances").rebuildProgress().isEmpty());
  }

  @Test
  void aRollbackMakesTheRetiredGenerationLiveAgainAndItCatchesUp() throws Exception {
    long last = history(50);
    ProjectionEngine v1 = engine("1");
    ProjectionRunner a = run(v1);
    assertThat(a.awaitPosition("balances", last, DEADLINE)).isTrue();
    ProjectionEngine v2 = engine("2");
    ProjectionRunner b = run(v2);
    await().atMost(DEADLINE).until(() -> v1.generations().live().version().equals("2"));
    long during = log.append("acc-0", new Deposited("acc-0", 100));
    assertThat(b.awaitPosition("balances", during, DEADLINE)).isTrue();

    Generation back = v1.generations().rollback();

    assertThat(back.number()).isEqualTo(1);
    assertThat(versions(v1.readModel(BALANCES))).as("the node that rolled back reads it at once")
        .containsExactly("1");
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(versions(v2.readModel(BALANCES)))
        .as("another node within its generationRefresh").containsExactly("1"));
    assertThat(v1.generations().list()).extracting(Generation::state)
        .containsExactly(Generation.State.LIVE, Generation.State.ROLLED_BACK);
    await().atMost(DEADLINE).untilAsserted(() -> {
      assertThat(a.status("balances").state()).isIn(RunState.RUNNING, RunState.CATCHING_UP);
      assertThat(b.status("balances").state()).isEqualTo(RunState.FAILED);
    });
    await().atMost(DEADLINE).until(() ->
        v1.readModel(BALANCES).findById("acc-0").map(Balance::balance).orElse(-1L) == 102);
  }

  @Test
  void aRetiredGenerationIsDroppedByAnOperatorOrAfterItsGrace() throws Exception {
    long last = history(10);
    ProjectionEngine v1 = engine("1");
    ProjectionRunner a = run(v1);
    assertThat(a.awaitPosition("balances", last, DEADLINE)).isTrue();
    run(engine("2"));
    await().atMost(DEADLINE).until(() -> v1.generations().live().version().equals("2"));
    assertThatThrownBy(() -> v1.generations().drop(2)).isInstanceOf(GenerationStateException.class)
        .hasMessageContaining("LIVE");

    v1.generations().drop(1);

    store.prepareReadModel(new ReadModelSchema(BALANCES.name(), BALANCES.indexNames()));
    assertThat(store.count(BALANCES.name())).as("generation 1's read model is cleared").isZero();
    assertThat(v1.generations().list()).extracting(Generation::state)
        .containsExactly(Generation.State.DROPPED, Generation.State.LIVE);
    assertThat(v1.readModel(BALANCES).count()).isEqualTo(ACCOUNTS);
    assertThatThrownBy(() -> v1.generations().rollback())
        .isInstanceOf(GenerationStateException.class).hasMessageContaining("was dropped");
    assertThatThrownBy(() -> engine("1").processEvents(Fixtures.events(last + 1,
        new Opened("late", "x")))).isInstanceOf(ProjectionVersionException.class)
        .hasMessageContaining("dropped");

    ProjectionEngine v3 = engine("3", builder -> builder.retiredGenerationGrace(Duration.ZERO));
    run(v3);
    await().atMost(DEADLINE).until(() -> v3.generations().list().stream()
        .filter(g -> g.number() == 2).allMatch(g -> g.state() == Generation.State.DROPPED));
    assertThat(versions(v3.readModel(BALANCES))).containsExactly("3");
  }

  @Test
  void declaredNamesAndVersionsAreChecked() {
    assertThatThrownBy(() -> Projections.engine("p").readModel(ReadModel
        .builder("order__x", Balance.class).id(Balance::id).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'__'");
    assertThatThrownBy(() -> Projections.engine("p").version("2 beta"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'2 beta'");
    assertThatThrownBy(() -> Projections.engine("p").version(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Projections.engine("p").cutOverLag(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cutOverLag");
  }
}
