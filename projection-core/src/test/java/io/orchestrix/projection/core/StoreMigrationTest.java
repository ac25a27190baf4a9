package io.orchestrix.projection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.core.StoreSwitchRefusedException.Reason;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A projection moved from one in-memory store to another: the target builds from the event log with
 * its own checkpoint, the switch is refused while it lags or (verified) while its documents differ,
 * and readers on every node go from the source to the target without ever seeing an empty model.
 */
class StoreMigrationTest {

  private static final int ACCOUNTS = 20;
  private static final Duration LONG = Duration.ofHours(1);

  record Total(String id, String owner, long balance) {}

  static final ReadModel<Total> TOTALS = ReadModel.builder("total", Total.class)
      .id(Total::id).index("owner", Total::owner).build();

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore source = new InMemoryProjectionStateStore();
  private final InMemoryProjectionStateStore target = new InMemoryProjectionStateStore();

  private static ProjectionEngine engine(InMemoryProjectionStateStore store, long bonus) {
    ProjectionEngine engine = Projections.engine("totals").store(store).readModel(TOTALS).build();
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

  private StoreMigration migration(ProjectionEngine from, ProjectionEngine to, Duration refresh) {
    return new StoreMigration(new StoreMigration.Side(source, from),
        new StoreMigration.Side(target, to), List.of(TOTALS), refresh);
  }

  private void history(int deposits) {
    for (int a = 0; a < ACCOUNTS; a++) {
      log.append("acc-" + a, new Opened("acc-" + a, "owner-" + (a % 3)));
    }
    for (int d = 0; d < deposits; d++) {
      log.append("acc-" + (d % ACCOUNTS), new Deposited("acc-" + (d % ACCOUNTS), 2));
    }
  }

  @Test
  void theSwitchWaitsForTheTargetAndThenEveryNodeReadsTheTarget() {
    history(80);
    ProjectionEngine live = engine(source, 0);
    live.processEvents(log.read(0, 1_000));
    ProjectionEngine built = engine(target, 0);
    built.processEvents(log.read(0, 50));
    StoreMigration node1 = migration(live, built, LONG);

    assertThat(node1.progress().lag()).isEqualTo(50);
    assertThatThrownBy(() -> node1.switchReads(10, false))
        .isInstanceOfSatisfying(StoreSwitchRefusedException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.LAGGING);
          assertThat(e.progress().targetPositions()).containsExactly(50L);
        })
        .hasMessageContaining("is 50 positions behind source");
    assertThat(node1.compare(5)).as("not at the same position").isEmpty();

    built.processEvents(log.read(50, 1_000));
    assertThat(node1.compare(5)).hasValueSatisfying(c -> {
      assertThat(c.identical()).isTrue();
      assertThat(c.documents()).isEqualTo(ACCOUNTS);
      assertThat(c.positions()).containsExactly(100L);
    });

    StoreMigration node2 = migration(engine(source, 0), engine(target, 0), Duration.ofMillis(20));
    ReadModelView<Total> readByNode2 = node2.readModel(TOTALS);
    assertThat(node2.switched()).isFalse();
    assertThat(node1.switchReads(0, true)).hasValueSatisfying(c -> assertThat(c.identical()).isTrue());
    assertThat(node1.switched()).isTrue();
    assertThat(node1.switchReads(0, true)).as("idempotent").isEmpty();

    log.append("acc-new", new Opened("acc-new", "owner-0"));
    built.processEvents(log.read(100, 1_000));
    assertThat(node1.readModel(TOTALS).findById("acc-new")).as("the target keeps following")
        .isPresent();
    await().atMost(Duration.ofSeconds(60)).until(node2::switched);
    assertThat(readByNode2.findById("acc-new")).isPresent();
    assertThat(readByNode2.count()).isEqualTo(ACCOUNTS + 1);
  }

  @Test
  void aChangedHandlerInTheTargetRefusesAVerifiedSwitchWithItsFirstDifferences() {
    history(60);
    ProjectionEngine live = engine(source, 0);
    live.processEvents(log.read(0, 1_000));
    ProjectionEngine changed = engine(target, 1_000);
    changed.processEvents(log.read(0, 1_000));
    StoreMigration migration = migration(live, changed, LONG);

    assertThatThrownBy(() -> migration.switchReads(0, true))
        .isInstanceOfSatisfying(StoreSwitchRefusedException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.DOCUMENTS_DIFFER);
          assertThat(e.comparison()).hasValueSatisfying(c -> {
            assertThat(c.differing()).isEqualTo(1);
            assertThat(c.firstDifferences().get(0).id()).isEqualTo("acc-7");
            assertThat(c.firstDifferences().get(0).built()).contains("\"balance\":3006");
          });
        })
        .hasMessageContaining("1 of 20 documents differ at position [80]");
    assertThat(migration.switched()).isFalse();
    assertThat(migration.switchReads(0, false)).as("unverified").isEmpty();
    assertThat(migration.switched()).isTrue();
  }

  @Test
  void aReaderNeverSeesAnEmptyModelAcrossTheSwitchAndTheSourceBeingCleared() throws Exception {
    history(40);
    ProjectionEngine live = engine(source, 0);
    live.processEvents(log.read(0, 1_000));
    ProjectionEngine built = engine(target, 0);
    built.processEvents(log.read(0, 1_000));
    StoreMigration switching = migration(live, built, LONG);
    StoreMigration reading = migration(engine(source, 0), engine(target, 0), LONG);
    ReadModelView<Total> view = reading.readModel(TOTALS);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicLong empty = new AtomicLong();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        boolean found = view.findById("acc-" + (reads.get() % ACCOUNTS)).isPresent()
            && !view.findBy("owner", "owner-1").isEmpty();
        empty.addAndGet(found ? 0 : 1);
        reads.incrementAndGet();
      }
    });
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> reads.get() > 100);
      switching.switchReads(0, true);
      live.operations().reset();
      long after = reads.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> reads.get() > after + 100);
    } finally {
      stop.set(true);
      reader.join();
    }
    assertThat(live.readModel(TOTALS).count()).as("the source was cleared").isZero();
    assertThat(reading.switched()).as("learned from an empty answer, not the refresh").isTrue();
    assertThat(empty.get()).isZero();
  }

  @Test
  void badArgumentsAreRefusedByName() {
    ProjectionEngine live = engine(source, 0);
    ProjectionEngine built = engine(target, 0);
    ProjectionEngine other = Projections.engine("other").store(target).readModel(TOTALS).build();
    assertThatThrownBy(() -> new StoreMigration(new StoreMigration.Side(source, live),
        new StoreMigration.Side(target, other), List.of(TOTALS), LONG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source engine runs projection 'totals' but target engine runs 'other'");
    assertThatThrownBy(() -> new StoreMigration(new StoreMigration.Side(source, live),
        new StoreMigration.Side(source, live), List.of(TOTALS), LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the same store");
    assertThatThrownBy(() -> new StoreMigration(new StoreMigration.Side(source, live),
        new StoreMigration.Side(target, built), List.of(), LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> migration(live, built, LONG).switchReads(-1, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLag");
    assertThatThrownBy(() -> migration(live, built, LONG).compare(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDifferences");
    assertThatThrownBy(() -> Projections.engine("x").store(source)
        .readModel(ReadModel.builder("orx_store_switch", Total.class).id(Total::id).build())
        .build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("switches between stores");
  }

  @Test
  void whileTheTargetCannotBeReadQueriesKeepReadingTheSource() {
    history(20);
    ProjectionEngine live = engine(source, 0);
    live.processEvents(log.read(0, 1_000));
    AtomicBoolean down = new AtomicBoolean(true);
    ForwardingStore unreachable = new ForwardingStore(target) {
      @Override
      public Optional<StoredDocument> find(String readModel, String id) {
        if (down.get()) {
          throw StoreException.outage("connection refused (simulated)",
              null, null);
        }
        return super.find(readModel, id);
      }
    };
    StoreMigration migration = new StoreMigration(new StoreMigration.Side(source, live),
        new StoreMigration.Side(unreachable, engine(target, 0)), List.of(TOTALS),
        Duration.ofMillis(1));
    ReadModelView<Total> view = migration.readModel(TOTALS);

    assertThat(view.findById("acc-3")).isPresent();
    assertThat(view.findById("acc-none")).isEmpty();
    assertThat(migration.switched()).isFalse();
    assertThatThrownBy(migration::refresh).isInstanceOf(StoreException.class);
    down.set(false);
    assertThat(migration.refresh()).isFalse();
  }

  @Test
  void withARunnerOnEachStoreTheTargetCatchesUpSwitchesAndKeepsFollowingAlone() {
    history(60);
    ProjectionEngine live = engine(source, 0);
    ProjectionEngine built = engine(target, 0);
    ProjectionRunner liveRunner = run(live);
    ProjectionRunner targetRunner = run(built);
    try {
      StoreMigration migration = migration(live, built, LONG);
      await().atMost(Duration.ofSeconds(60)).until(() -> migration.progress().atSamePosition()
          && migration.progress().targetPositions().get(0) == 80);
      assertThat(migration.switchReads(0, true)).hasValueSatisfying(
          c -> assertThat(c.identical()).isTrue());
      liveRunner.stop();
      log.append("acc-late", new Opened("acc-late", "owner-2"));
      ReadModelView<Total> view = migration.readModel(TOTALS);
      await().atMost(Duration.ofSeconds(60)).until(() -> view.findById("acc-late").isPresent());
      assertThat(live.readModel(TOTALS).findById("acc-late")).as("the source stopped").isEmpty();
    } finally {
      liveRunner.stop();
      targetRunner.stop();
    }
  }

  private ProjectionRunner run(ProjectionEngine engine) {
    ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).batchSize(10)
        .maxIdleWait(Duration.ofMillis(20)).build();
    runner.start();
    return runner;
  }
}
