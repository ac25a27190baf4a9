package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionHealth;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.core.Fixtures.Account;
import io.orchestrix.projection.core.Fixtures.Closed;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A store or source outage at every call of every kind, at every point of a whole run: the runner
 * reports it (up, stale, retrying or waiting for the store), never throws from status or health, and
 * once the outage ends finishes with the read model of an uninterrupted run.
 */
class RunnerOutageTest {

  private static final int ACCOUNT_COUNT = 10;
  private static final int BATCH_SIZE = 10;
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** How the engine reads documents: through its cache, or with no cache and one findAll a batch. */
  private enum Reads { CACHED, PREFETCHED }

  private static List<Object> payloads() {
    List<Object> payloads = new ArrayList<>();
    for (int a = 0; a < ACCOUNT_COUNT; a++) {
      payloads.add(new Opened("a" + a, "owner" + a));
    }
    for (int i = 0; i < 100; i++) {
      payloads.add(new Deposited("a" + (i * 7 % ACCOUNT_COUNT), i + 1));
    }
    payloads.add(new Closed("a3"));
    payloads.add(new Closed("a8"));
    return payloads;
  }

  private static final List<Object> PAYLOADS = payloads();


  /** One run: its store, source, engine and runner. */
  private static final class Run implements AutoCloseable {
    final FaultInjectingStore store = new FaultInjectingStore(new InMemoryProjectionStateStore());
    final InMemoryEventLog log = new InMemoryEventLog();
    final FaultInjectingSource source = new FaultInjectingSource(log);
    final ProjectionEngine engine;
    final ProjectionRunner runner;
    final long last;

    Run(Reads reads) {
      long position = 0;
      for (Object payload : PAYLOADS) {
        position = log.append(((Fixtures.AccountEvent) payload).account(), payload);
      }
      last = position;
      ProjectionEngineBuilder builder = Projections.engine("outage").store(store).readModel(ACCOUNTS);
      if (reads == Reads.PREFETCHED) {
        builder.cacheSize(0).prefetch(ACCOUNTS, EventEnvelope::streamId);
      }
      engine = builder.build();
      Fixtures.accountHandlers(engine);
      runner = ProjectionRunner.builder(source).batchSize(BATCH_SIZE)
          .maxIdleWait(Duration.ofMillis(5))
          .outageBackoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(4), 0.2))
          .projection(engine).build();
    }

    List<Account> readModel() {
      return engine.readModel(ACCOUNTS).streamAll().sorted(Comparator.comparing(Account::id))
          .toList();
    }

    ProjectionStatus status() {
      return runner.status("outage");
    }

    @Override
    public void close() {
      runner.stop();
    }
  }

  @TestFactory
  Stream<DynamicTest> anOutageAtAnyStoreOrSourceCallIsReportedAndRecoveredFrom() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (Reads reads : Reads.values()) {
      List<Account> reference;
      int[] storeCalls = new int[FaultInjectingStore.Call.values().length];
      int[] sourceCalls = new int[FaultInjectingSource.Call.values().length];
      try (Run clean = new Run(reads)) {
        clean.runner.start();
        assertThat(clean.runner.awaitPosition("outage", clean.last, DEADLINE)).isTrue();
        for (FaultInjectingStore.Call call : FaultInjectingStore.Call.values()) {
          storeCalls[call.ordinal()] = clean.store.calls(call);
        }
        for (FaultInjectingSource.Call call : FaultInjectingSource.Call.values()) {
          sourceCalls[call.ordinal()] = clean.source.calls(call);
        }
        reference = clean.readModel();
      }
      assertThat(reference).hasSize(ACCOUNT_COUNT - 2);
      for (FaultInjectingStore.Call call : FaultInjectingStore.Call.values()) {
        for (int n = 1; n <= storeCalls[call.ordinal()]; n++) {
          int from = n;
          tests.add(DynamicTest.dynamicTest(reads + ": store " + call + " fails from call " + n,
              () -> outage(reads, reference, run -> run.store.failFrom(call, from),
                  run -> run.store.injected(), run -> run.store.release())));
        }
      }
      for (FaultInjectingSource.Call call : FaultInjectingSource.Call.values()) {
        for (int n = 1; n <= Math.min(sourceCalls[call.ordinal()], 40); n++) {
          int from = n;
          tests.add(DynamicTest.dynamicTest(reads + ": source " + call + " fails from call " + n,
              () -> outage(reads, reference, run -> run.source.failFrom(call, from),
                  run -> run.source.injected(), run -> run.source.release())));
        }
      }
    }
    return tests.stream();
  }

  private static org.awaitility.core.ConditionFactory await() {
    return org.awaitility.Awaitility.await().pollInterval(Duration.ofMillis(2)).pollDelay(Duration.ZERO);
  }

  private interface RunAction {
    void apply(Run run);
  }

  private interface RunCount {
    int of(Run run);
  }

  private static void outage(Reads reads, List<Account> reference, RunAction arm, RunCount injected,
      RunAction release) throws InterruptedException {
    try (Run run = new Run(reads); StatusSampler sampler = new StatusSampler(run.runner)) {
      arm.apply(run);
      run.runner.start();
      await().atMost(DEADLINE).until(() -> injected.of(run) > 0 || run.status().position() == run.last);
      if (injected.of(run) > 0) {
        // either the outage blocks the run, which must then show it, or the run needed the failing
        // call no more (its last commit was applied before the failure was reported)
        java.util.concurrent.atomic.AtomicReference<ProjectionStatus> seen =
            new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(DEADLINE).until(() -> {
          ProjectionStatus status = run.status();
          seen.set(status);
          return status.stale() || status.position() == run.last;
        });
        ProjectionStatus during = seen.get();
        if (during.position() < run.last) {
          assertThat(during.outage()).as("%s", during).isPresent();
          assertThat(during.state()).as("%s", during)
              .isIn(RunState.RETRYING, RunState.WAITING_FOR_STORE, RunState.RUNNING, RunState.CATCHING_UP);
          assertThat(run.runner.health().up()).as("an outage is not a failure: %s", during).isTrue();
        }
      }
      release.apply(run);
      assertThat(run.runner.awaitPosition("outage", run.last, DEADLINE))
          .as("reaches the last position after the outage: %s", run.status()).isTrue();
      await().atMost(DEADLINE).untilAsserted(() ->
          assertThat(run.status().stale()).as("%s", run.status()).isFalse());
      assertThat(run.readModel()).isEqualTo(reference);
      assertThat(run.runner.health().up()).isTrue();
      assertThat(run.engine.operations().deadLetters()).isEmpty();
      assertThat(sampler.contradictions()).as("what status and health said during the run").isEmpty();
    }
  }

  /**
   * Reads status and health without pause from another thread for the whole run: they must never
   * throw, never report the projection down (an outage is not a failure), and a stale status must say
   * since when and why.
   */
  private static final class StatusSampler implements AutoCloseable {
    private final Thread thread;
    private final List<String> contradictions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    StatusSampler(ProjectionRunner runner) {
      thread = new Thread(() -> {
        while (running) {
          try {
            ProjectionHealth health = runner.health();
            ProjectionStatus status = health.projections().get(0);
            if (!health.up()) {
              contradictions.add("down: " + status);
            }
            if (status.stale() && (status.outage().isEmpty() || status.lastError() == null)) {
              contradictions.add("stale without its outage: " + status);
            }
          } catch (RuntimeException e) {
            contradictions.add("threw " + e);
          }
          java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
      }, "status-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    List<String> contradictions() {
      return contradictions.stream().distinct().limit(5).toList();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join();
    }
  }
}
