package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Start-up without a store, a start-up limit, and a runner thread that dies. */
class RunnerReliabilityTest {

  private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(10), 0.2);

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final FaultInjectingStore store = new FaultInjectingStore(new InMemoryProjectionStateStore());
  private ProjectionRunner runner;

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.stop();
    }
  }

  private ProjectionEngine engine() {
    ProjectionEngine engine = Projections.engine("reliable").store(store).readModel(ACCOUNTS).build();
    Fixtures.accountHandlers(engine);
    return engine;
  }

  @Test
  void startUpWaitsForAStoreThatIsOutReportingWaitingForStoreAndGoesOnWhenItReturns()
      throws Exception {
    long last = log.append("a", 0, List.of(new Opened("a", "ann"), new Deposited("a", 4)));
    store.failFrom(FaultInjectingStore.Call.PREPARE, 1);
    ProjectionEngine engine = engine();
    runner = ProjectionRunner.builder(log).outageBackoff(FAST).projection(engine).build();
    runner.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> store.injected() >= 3);
    ProjectionStatus waiting = runner.status("reliable");
    assertThat(waiting.state()).isEqualTo(RunState.WAITING_FOR_STORE);
    assertThat(waiting.stale()).isTrue();
    assertThat(waiting.lastError()).contains("injected outage at PREPARE");
    assertThat(runner.health().up()).as("waiting for the store is not a failure").isTrue();

    store.release();

    assertThat(runner.awaitPosition("reliable", last, Duration.ofSeconds(10))).isTrue();
    assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(4);
    await().atMost(Duration.ofSeconds(10)).until(() -> !runner.status("reliable").stale());
  }

  @Test
  void aStoreThatDoesNotAnswerWithinTheStartUpLimitFailsTheProjectionWithTheCause() {
    store.failFrom(FaultInjectingStore.Call.CLAIM, 1);
    runner = ProjectionRunner.builder(log).outageBackoff(FAST).startupLimit(Duration.ofMillis(200))
        .projection(engine()).build();
    runner.start();

    await().atMost(Duration.ofSeconds(10))
        .until(() -> runner.status("reliable").state() == RunState.FAILED);
    ProjectionStatus failed = runner.status("reliable");
    assertThat(failed.lastError()).contains("did not answer within the start-up limit of PT0.2S")
        .contains("injected outage at CLAIM");
    assertThat(runner.health().up()).isFalse();
  }

  @Test
  void aRunnerThreadThatEndsUnexpectedlyIsReportedFailedWithItsCauseAndHealthGoesDown() {
    EventSource broken = new EventSource() {
      @Override
      public List<EventEnvelope<?>> read(long afterPosition, int limit) {
        throw new IllegalStateException("a bug in the event source");
      }

      @Override
      public long headPosition() {
        return 0;
      }
    };
    runner = ProjectionRunner.builder(broken).outageBackoff(FAST).projection(engine()).build();
    runner.start();

    await().atMost(Duration.ofSeconds(10))
        .until(() -> runner.status("reliable").state() == RunState.FAILED);
    assertThat(runner.status("reliable").lastError()).contains("ended unexpectedly")
        .contains("a bug in the event source");
    assertThat(runner.health().up()).isFalse();
  }
}
