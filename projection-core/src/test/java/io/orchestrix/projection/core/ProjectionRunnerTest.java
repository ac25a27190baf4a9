package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.DeadLetterRetryResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.Fixtures.Account;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.ProjectionStatus.RunState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProjectionRunnerTest {

  private static final FailurePolicy.Retry FAST = FailurePolicy.retry(3)
      .withBackoff(new Backoff(Duration.ofMillis(5), Duration.ofMillis(20), 0.2));

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();
  /** Deposits whose amount is in here fail; a test removes them to "fix the bug". */
  private final Set<Long> poison = ConcurrentHashMap.newKeySet();

  @AfterEach
  void stopRunners() {
    runners.forEach(ProjectionRunner::stop);
  }

  private ProjectionEngine engine(String id) {
    return engine(id, FAST);
  }

  private ProjectionEngine engine(String id, FailurePolicy policy) {
    ProjectionEngine engine = Projections.engine(id).store(store).readModel(ACCOUNTS)
        .failurePolicy(policy).build();
    engine.on(Opened.class, (Opened e, HandlerContext c) ->
        c.readModel(ACCOUNTS).save(new Account(e.account(), e.owner(), 0, "OPEN")));
    engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
      if (poison.contains(e.amount())) {
        throw new IllegalStateException("poison amount " + e.amount());
      }
      Account a = c.readModel(ACCOUNTS).findById(e.account()).orElseThrow();
      c.readModel(ACCOUNTS).save(new Account(a.id(), a.owner(), a.balance() + e.amount(),
          a.status() + "," + e.amount()));
    });
    return engine;
  }

  private ProjectionRunner start(ProjectionRunner.Builder builder) {
    ProjectionRunner runner = builder.build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  private long balance(ProjectionEngine engine, String account) {
    return engine.readModel(ACCOUNTS).findById(account).orElseThrow().balance();
  }

  @Test
  void followsTheLogAndLetsACommandSideWaitForItsOwnWrite() throws Exception {
    ProjectionEngine engine = engine("follow");
    ProjectionRunner runner = start(ProjectionRunner.builder(log).projection(engine));

    long position = log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 5)));

    assertThat(runner.awaitPosition("follow", position, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(5);
    long next = log.append("a", new Deposited("a", 7));
    assertThat(runner.awaitPosition("follow", next, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(12);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      ProjectionStatus status = runner.status("follow");
      assertThat(status.state()).isEqualTo(RunState.RUNNING);
      assertThat(status.lagEvents()).isZero();
      assertThat(status.position()).isEqualTo(3);
    });
    assertThat(runner.health().up()).isTrue();
  }

  @Test
  void readsInBoundedPagesWhateverTheSourcesSize() throws Exception {
    List<Integer> pageSizes = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      log.append("s" + (i % 10), i < 10 ? new Opened("s" + i, "o") : new Deposited("s" + (i % 10), 1));
    }
    EventSource counting = new EventSource() {
      @Override
      public List<EventEnvelope<?>> read(long afterPosition, int limit) {
        List<EventEnvelope<?>> page = log.read(afterPosition, limit);
        synchronized (pageSizes) {
          pageSizes.add(limit);
        }
        return page;
      }

      @Override
      public long headPosition() {
        return log.headPosition();
      }
    };
    ProjectionEngine engine = engine("paged");
    ProjectionRunner runner = start(ProjectionRunner.builder(counting).batchSize(300)
        .projection(engine));

    assertThat(runner.awaitPosition("paged", 2_500, Duration.ofSeconds(10))).isTrue();
    synchronized (pageSizes) {
      assertThat(pageSizes).allMatch(limit -> limit == 300);
    }
    assertThat(engine.readModel(ACCOUNTS).streamAll().mapToLong(Account::balance).sum())
        .isEqualTo(2_490);
  }

  @Test
  void aFailingEventIsRetriedWithBackoffAndAppliedOnceWhenItSucceeds() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProjectionEngine engine = engine("retry");
    engine.on(Deposited.class, e -> {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("flaky dependency");
      }
    });
    ProjectionRunner runner = start(ProjectionRunner.builder(log).meterRegistry(registry)
        .projection(engine));

    long position = log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 5)));

    assertThat(runner.awaitPosition("retry", position, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(5);
    assertThat(engine.isHealthy()).isTrue();
    assertThat(registry.get(MetricNames.RETRIES).counter().count()).isEqualTo(2);
  }

  @Test
  void afterItsRetriesAPoisonEventIsDeadLetteredItsStreamParkedAndOtherStreamsGoOn() throws Exception {
    poison.add(13L);
    ProjectionEngine engine = engine("dlq", FAST.thenDeadLetter());
    ProjectionRunner runner = start(ProjectionRunner.builder(log)
        .projection(engine));

    log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 1)));
    log.append("b", 0, List.of(new Opened("b", "bob")));
    log.append("a", 2, List.of(new Deposited("a", 13), new Deposited("a", 2)));
    long last = log.append("b", 1, List.of(new Deposited("b", 4)));
    long more = log.append("a", 4, List.of(new Deposited("a", 3)));

    assertThat(runner.awaitPosition("dlq", Math.max(last, more), Duration.ofSeconds(10))).isTrue();
    assertThat(balance(engine, "b")).isEqualTo(4);
    assertThat(balance(engine, "a")).isEqualTo(1);
    List<DeadLetter> letters = engine.operations().deadLetters();
    assertThat(letters).extracting(DeadLetter::position).containsExactly(4L, 5L, 7L);
    assertThat(letters.get(0).isParked()).isFalse();
    assertThat(letters.get(0).attempts()).isEqualTo(3);
    assertThat(letters.get(0).errorMessage()).isEqualTo("poison amount 13");
    assertThat(letters.subList(1, 3)).allMatch(DeadLetter::isParked);
    assertThat(engine.isHealthy()).isTrue();

    poison.clear();
    DeadLetterRetryResult retried = engine.operations().retryDeadLetters(letter -> !letter.isParked());

    assertThat(retried).isEqualTo(new DeadLetterRetryResult(3, 0));
    assertThat(engine.operations().deadLetters()).isEmpty();
    assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().status())
        .isEqualTo("OPEN,1,13,2,3");
    long after = log.append("a", 5, List.of(new Deposited("a", 10)));
    assertThat(runner.awaitPosition("dlq", after, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(29);
  }

  @Test
  void aRetryThatFailsAgainKeepsTheLetterAndWhatIsParkedBehindIt() {
    poison.add(13L);
    ProjectionEngine engine = Projections.engine("again").store(store).readModel(ACCOUNTS)
        .failurePolicy(io.orchestrix.projection.FailurePolicy.deadLetter()).build();
    engine.on(Opened.class, (Opened e, HandlerContext c) ->
        c.readModel(ACCOUNTS).save(new Account(e.account(), e.owner(), 0, "OPEN")));
    engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
      if (poison.contains(e.amount())) {
        throw new IllegalStateException("poison amount " + e.amount());
      }
      Account a = c.readModel(ACCOUNTS).findById(e.account()).orElseThrow();
      c.readModel(ACCOUNTS).save(new Account(a.id(), a.owner(), a.balance() + e.amount(), "OPEN"));
    });
    engine.processEvents(Fixtures.events(1, new Opened("a", "ann"), new Deposited("a", 13),
        new Deposited("a", 1)));

    DeadLetterRetryResult again = engine.operations().retryDeadLetters(letter -> true);

    assertThat(again).isEqualTo(new DeadLetterRetryResult(0, 1));
    assertThat(engine.operations().deadLetters()).extracting(DeadLetter::attempts).containsExactly(2, 0);
    assertThat(balance(engine, "a")).isZero();

    int discarded = engine.operations().discardDeadLetters(letter -> letter.position() == 2);

    assertThat(discarded).isEqualTo(1);
    assertThat(engine.operations().deadLetters()).isEmpty();
    assertThat(balance(engine, "a")).isEqualTo(1);
  }

  @Test
  void withTheStopPolicyAFailedProjectionWaitsForAnOperatorAndResumesAfterTheFix() throws Exception {
    poison.add(13L);
    ProjectionEngine engine = engine("stop");
    ProjectionRunner runner = start(ProjectionRunner.builder(log).projection(engine));
    log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 13)));
    long last = log.append("a", 2, List.of(new Deposited("a", 1)));

    await().atMost(Duration.ofSeconds(5)).until(() -> runner.status("stop").state() == RunState.FAILED);
    ProjectionStatus failed = runner.status("stop");
    assertThat(failed.healthy()).isFalse();
    assertThat(failed.position()).isEqualTo(1);
    assertThat(failed.lastError()).contains("after 3 attempts").contains("poison amount 13");
    assertThat(runner.health().up()).isFalse();

    poison.clear();
    runner.resume("stop");

    assertThat(runner.awaitPosition("stop", last, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(14);
    assertThat(runner.health().up()).isTrue();
  }

  @Test
  void aStoreOutagePausesTheProjectionWhichRecoversByItselfWithNothingLostOrDoubled()
      throws Exception {
    FlakyStore flaky = new FlakyStore(store);
    ProjectionEngine engine = Projections.engine("outage").store(flaky).readModel(ACCOUNTS)
        .failurePolicy(FAST).build();
    Fixtures.accountHandlers(engine);
    ProjectionRunner runner = start(ProjectionRunner.builder(log).projection(engine));
    log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 1)));
    assertThat(runner.awaitPosition("outage", 2, Duration.ofSeconds(5))).isTrue();

    flaky.outage.set(5);
    long last = 0;
    for (int i = 0; i < 20; i++) {
      last = log.append("a", new Deposited("a", 1));
    }

    assertThat(runner.awaitPosition("outage", last, Duration.ofSeconds(10))).isTrue();
    assertThat(flaky.refusedCommits.get()).isEqualTo(5);
    assertThat(balance(engine, "a")).isEqualTo(21);
    assertThat(engine.isHealthy()).isTrue();
    assertThat(engine.operations().deadLetters()).isEmpty();
  }

  @Test
  void pauseResumeRebuildAndResetToWorkWhileRunning() throws Exception {
    ProjectionEngine engine = engine("ops");
    ProjectionRunner runner = start(ProjectionRunner.builder(log).projection(engine));
    long first = log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 2)));
    assertThat(runner.awaitPosition("ops", first, Duration.ofSeconds(5))).isTrue();

    runner.pause("ops");
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.status("ops").state() == RunState.PAUSED);
    long second = log.append("a", new Deposited("a", 3));
    assertThat(runner.awaitPosition("ops", second, Duration.ofMillis(300))).isFalse();
    runner.resume("ops");
    assertThat(runner.awaitPosition("ops", second, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(5);

    runner.rebuild("ops");
    assertThat(runner.awaitPosition("ops", second, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(5);

    runner.resetTo("ops", 2);
    assertThat(runner.awaitPosition("ops", second, Duration.ofSeconds(5))).isTrue();
    assertThat(balance(engine, "a")).isEqualTo(8);
  }

  @Test
  void severalProjectionsRunIndependently() throws Exception {
    poison.add(99L);
    ProjectionEngine healthy = engine("one");
    ProjectionEngine stuck = Projections.engine("two").store(store).build();
    stuck.on(Deposited.class, e -> {
      throw new IllegalStateException("always fails");
    });
    ProjectionRunner runner = start(ProjectionRunner.builder(log)
        .projection(healthy).projection(stuck));

    long last = log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 4)));

    assertThat(runner.awaitPosition("one", last, Duration.ofSeconds(5))).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.status("two").state() == RunState.FAILED);
    assertThat(runner.statuses()).extracting(ProjectionStatus::projectionId)
        .containsExactly("one", "two");
    assertThat(runner.health().up()).isFalse();
  }

  @Test
  void stopDoesNotWaitOutTheIdleWaitOfASourceThatBlocks() {
    ProjectionEngine engine = engine("idle");
    ProjectionRunner runner = ProjectionRunner.builder(log).maxIdleWait(Duration.ofMinutes(5))
        .projection(engine).build();
    runner.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.status("idle").state() == RunState.RUNNING);

    long started = System.nanoTime();
    runner.stop();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(runner.status("idle").state()).isEqualTo(RunState.STOPPED);
  }
}
