package io.orchestrix.projection.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.DocumentDifference;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.Generation;
import io.orchestrix.projection.GenerationMismatchException;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ProjectionVersionException;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A projection rebuilt without downtime on the store: a node with a new version builds its own
 * generation of the read model beside the live one, while a reader on a third store instance queries
 * by id, by index and counts, and must never see an empty answer for an account that exists, nor two
 * versions in one answer; after the cut-over the old node is refused, and a rollback and a drop work.
 * Every document carries the version that wrote it. A verified cut-over compares the two generations
 * document by document at the same position: a changed handler is refused, an identical one passes.
 */
public interface RebuildWithoutDowntimeContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** An account as one version keeps it. */
  record VersionedAccount(String id, String owner, long balance, String version) {}

  /** An account was opened. */
  record AccountOpened(String id, String owner) {}

  /** Money was paid in. */
  record PaidIn(String id, long amount) {}

  /** The read model of these tests. */
  ReadModel<VersionedAccount> VERSIONED = ReadModel.builder("bg_account", VersionedAccount.class)
      .id(VersionedAccount::id).index("owner", VersionedAccount::owner).build();

  /** Accounts in the history. */
  int ACCOUNTS = 30;

  /** How long anything may take. */
  Duration DEADLINE = Duration.ofSeconds(90);

  private static ProjectionEngine engine(String projection, ProjectionStore store, String version) {
    ProjectionEngine engine = Projections.engine(projection).store(store).readModel(VERSIONED)
        .version(version).generationRefresh(Duration.ofMillis(100)).cutOverLag(0).build();
    engine.on(AccountOpened.class, (AccountOpened e, HandlerContext c) -> c.readModel(VERSIONED)
        .save(new VersionedAccount(e.id(), e.owner(), 0, version)));
    engine.on(PaidIn.class, (PaidIn e, HandlerContext c) -> {
      VersionedAccount before = c.readModel(VERSIONED).findById(e.id()).orElseThrow();
      c.readModel(VERSIONED).save(new VersionedAccount(e.id(), before.owner(), before.balance()
          + e.amount(), version));
    });
    return engine;
  }

  /** An account's balance, the same in every version unless {@code bonus} changes acc-7's. */
  record Balance(String id, String owner, long balance) {}

  private static ProjectionEngine checked(String projection, ReadModel<Balance> balances,
      ProjectionStore store, String version, long bonus) {
    ProjectionEngine engine = Projections.engine(projection).store(store).readModel(balances)
        .version(version).verifyBeforeCutOver(true).build();
    engine.on(AccountOpened.class, (AccountOpened e, HandlerContext c) -> c.readModel(balances)
        .save(new Balance(e.id(), e.owner(), 0)));
    engine.on(PaidIn.class, (PaidIn e, HandlerContext c) -> {
      Balance before = c.readModel(balances).findById(e.id()).orElseThrow();
      c.readModel(balances).save(new Balance(e.id(), before.owner(), before.balance() + e.amount()
          + (e.id().equals("acc-7") ? bonus : 0)));
    });
    return engine;
  }

  private static ProjectionRunner run(InMemoryEventLog log, ProjectionEngine engine,
      List<ProjectionRunner> runners) {
    ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).batchSize(20)
        .maxIdleWait(Duration.ofMillis(20)).build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  private static long history(InMemoryEventLog log, int payments) {
    long last = 0;
    for (int a = 0; a < ACCOUNTS; a++) {
      last = log.append("acc-" + a, new AccountOpened("acc-" + a, "owner-" + (a % 3)));
    }
    for (int p = 0; p < payments; p++) {
      last = log.append("acc-" + (p % ACCOUNTS), new PaidIn("acc-" + (p % ACCOUNTS), 1));
    }
    return last;
  }

  private static String uniqueProjection() {
    return "bg-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Contract: a reader sees one whole generation at a time through a build and cut-over; old code
   * is refused after it.
   *
   * @throws Exception if the runners fail to start or stop, or the reader thread fails
   */
  @Test
  @DisplayName("a reader sees one whole generation at a time through a build and cut-over; old code"
      + " is refused after it")
  default void aReaderNeverSeesAnEmptyOrMixedModel() throws Exception {
    String projection = uniqueProjection();
    InMemoryEventLog log = new InMemoryEventLog();
    List<ProjectionRunner> runners = new ArrayList<>();
    try {
      long last = history(log, 300);
      ProjectionEngine v1 = engine(projection, fixture().anotherStore(), "1");
      ProjectionRunner a = run(log, v1, runners);
      assertThat(a.awaitPosition(projection, last, DEADLINE)).isTrue();

      ReadModelView<VersionedAccount> view = engine(projection, fixture().anotherStore(), "1")
          .readModel(VERSIONED);
      List<String> violations = new CopyOnWriteArrayList<>();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger queries = new AtomicInteger();
      Thread reader = new Thread(() -> {
        int i = 0;
        while (!Thread.currentThread().isInterrupted() && violations.size() < 5) {
          String id = "acc-" + (i++ % ACCOUNTS);
          Optional<VersionedAccount> one = view.findById(id);
          one.ifPresentOrElse(account -> seen.add(account.version()),
              () -> violations.add("no " + id));
          List<VersionedAccount> byOwner = view.findBy("owner", "owner-" + (i % 3));
          if (byOwner.size() != ACCOUNTS / 3
              || byOwner.stream().map(VersionedAccount::version).distinct().count() != 1) {
            violations.add("owner-" + (i % 3) + ": " + byOwner);
          }
          long count = view.count();
          if (count != ACCOUNTS) {
            violations.add("count " + count);
          }
          queries.incrementAndGet();
        }
      }, "bluegreen-reader");
      reader.setDaemon(true);
      reader.start();

      ProjectionEngine v2 = engine(projection, fixture().anotherStore(), "2");
      run(log, v2, runners);
      await().atMost(DEADLINE).until(() -> v1.generations().live().version().equals("2"));
      int atCutOver = queries.get();
      await().atMost(DEADLINE).until(() -> queries.get() > atCutOver + 10 && seen.contains("2"));
      reader.interrupt();
      reader.join(DEADLINE.toMillis());

      assertThat(violations).as("what the reader saw wrong").isEmpty();
      assertThat(seen).containsExactlyInAnyOrder("1", "2");
      Set<String> versions = new TreeSet<>();
      v1.readModel(VERSIONED).streamAll().forEach(account -> versions.add(account.version()));
      assertThat(versions).containsExactly("2");
      await().atMost(DEADLINE).until(() -> a.status(projection).state() == RunState.FAILED);
      assertThat(a.status(projection).lastError()).contains("version '1'", "version '2'");
      assertThatThrownBy(() -> engine(projection, fixture().anotherStore(), "1").claim())
          .isInstanceOf(ProjectionVersionException.class);
    } finally {
      runners.forEach(ProjectionRunner::stop);
    }
  }

  /**
   * Contract: a rollback makes the retired generation live again; a drop clears it.
   *
   * @throws Exception if the runners fail to start or stop
   */
  @Test
  @DisplayName("a rollback makes the retired generation live again; a drop clears it")
  default void rollbackAndDrop() throws Exception {
    String projection = uniqueProjection();
    InMemoryEventLog log = new InMemoryEventLog();
    List<ProjectionRunner> runners = new ArrayList<>();
    try {
      long last = history(log, 30);
      ProjectionEngine v1 = engine(projection, fixture().anotherStore(), "1");
      ProjectionRunner a = run(log, v1, runners);
      assertThat(a.awaitPosition(projection, last, DEADLINE)).isTrue();
      ProjectionEngine v2 = engine(projection, fixture().anotherStore(), "2");
      run(log, v2, runners);
      await().atMost(DEADLINE).until(() -> v1.generations().live().version().equals("2"));

      assertThat(v2.generations().rollback().version()).isEqualTo("1");
      assertThat(v2.readModel(VERSIONED).findById("acc-1").orElseThrow().version()).isEqualTo("1");
      long paid = log.append("acc-1", new PaidIn("acc-1", 10));
      await().atMost(DEADLINE).until(() ->
          v1.readModel(VERSIONED).findById("acc-1").orElseThrow().balance() == 11);

      v1.generations().drop(2);
      assertThat(v1.generations().list()).extracting(Generation::state)
          .containsExactly(Generation.State.LIVE, Generation.State.DROPPED);
      assertThat(v1.readModel(VERSIONED).count()).isEqualTo(ACCOUNTS);
      assertThat(paid).isGreaterThan(last);
    } finally {
      runners.forEach(ProjectionRunner::stop);
    }
  }

  /**
   * Contract: a verified cut-over refuses a changed handler with a {@link GenerationMismatchException}
   * naming its first differing documents, and passes an identical one; a comparison happens only
   * when both generations stand at the same position.
   */
  @Test
  @DisplayName("a verified cut-over refuses a changed handler with its first differing documents and"
      + " passes an identical one, comparing at the same position only")
  default void verifiedCutOver() {
    String projection = uniqueProjection();
    ReadModel<Balance> balances = ReadModel.builder("bgv_" + projection.substring(3), Balance.class)
        .id(Balance::id).index("owner", Balance::owner).build();
    InMemoryEventLog log = new InMemoryEventLog();
    history(log, 90);
    List<EventEnvelope<?>> events = log.read(0, 10_000);
    checked(projection, balances, fixture().anotherStore(), "1", 0).processEvents(events);

    ProjectionEngine changed = checked(projection, balances, fixture().anotherStore(), "2", 5);
    changed.generations().startRebuild();
    changed.processEvents(events);
    assertThatThrownBy(() -> changed.generations().cutOver())
        .isInstanceOfSatisfying(GenerationMismatchException.class, refused -> {
          assertThat(refused.comparison().differing()).isEqualTo(1);
          assertThat(refused.comparison().documents()).isEqualTo(ACCOUNTS);
          assertThat(refused.comparison().firstDifferences()).extracting(DocumentDifference::id)
              .containsExactly("acc-7");
          assertThat(refused.comparison().firstDifferences().get(0).built()).contains("18");
        });
    assertThat(changed.generations().live().number()).isEqualTo(1);
    changed.generations().drop(2);

    ProjectionEngine same = checked(projection, balances, fixture().anotherStore(), "3", 0);
    same.generations().startRebuild();
    same.processEvents(events.subList(0, events.size() - 5));
    assertThat(same.generations().compare(5)).as("not at the same position").isEmpty();
    same.processEvents(events.subList(events.size() - 5, events.size()));
    assertThat(same.generations().compare(5)).hasValueSatisfying(comparison ->
        assertThat(comparison.identical()).isTrue());
    assertThat(same.generations().cutOver().version()).isEqualTo("3");
    assertThat(same.readModel(balances).findById("acc-7").orElseThrow().balance()).isEqualTo(3);
  }
}
