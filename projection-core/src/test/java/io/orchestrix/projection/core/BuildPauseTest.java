package io.orchestrix.projection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.Generation;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
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
 * Pausing the build of a new generation apart from the live one, on the in-memory store: the build
 * holds at its checkpoint while the live generation keeps following new events, is not cut over while
 * paused, and goes on to the cut-over once resumed.
 */
class BuildPauseTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int ACCOUNTS = 20;

  record Total(String id, long balance, String version) {}

  static final ReadModel<Total> TOTALS = ReadModel.builder("total", Total.class)
      .id(Total::id).build();

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();

  @AfterEach
  void stop() {
    runners.forEach(ProjectionRunner::stop);
  }

  private ProjectionEngine engine(String version) {
    ProjectionEngine engine = Projections.engine("totals").store(store.openAnother())
        .readModel(TOTALS).version(version).cutOverLag(0)
        .generationRefresh(Duration.ofMillis(50)).build();
    engine.on(Opened.class, (Opened e, HandlerContext c) ->
        c.readModel(TOTALS).save(new Total(e.account(), 0, version)));
    engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
      Total before = c.readModel(TOTALS).findById(e.account()).orElseThrow();
      c.readModel(TOTALS).save(new Total(before.id(), before.balance() + e.amount(), version));
    });
    return engine;
  }

  private ProjectionRunner run(ProjectionEngine engine) {
    return run(engine, new SimpleMeterRegistry());
  }

  private ProjectionRunner run(ProjectionEngine engine, MeterRegistry meters) {
    ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).batchSize(10)
        .maxIdleWait(Duration.ofMillis(20)).meterRegistry(meters).build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  private long deposits(int count) {
    long last = 0;
    for (int d = 0; d < count; d++) {
      last = log.append("acc-" + (d % ACCOUNTS), new Deposited("acc-" + (d % ACCOUNTS), 1));
    }
    return last;
  }

  private long checkpoint(int generation) {
    return store.loadState(ProjectionIds.generationKey("totals", generation))
        .map(ProjectionState::lastProcessedPosition).orElse(0L);
  }

  @Test
  void aPausedBuildHoldsWhileTheLiveGenerationFollowsAndCutsOverOnceResumed() throws Exception {
    for (int a = 0; a < ACCOUNTS; a++) {
      log.append("acc-" + a, new Opened("acc-" + a, "owner"));
    }
    long first = deposits(100);
    ProjectionEngine v1 = engine("1");
    ProjectionRunner live = run(v1);
    assertThat(live.awaitPosition("totals", first, DEADLINE)).isTrue();

    ProjectionEngine v2 = engine("2");
    Generation started = v2.generations().startRebuild();
    assertThat(v2.generations().pauseBuild().buildPaused()).isTrue();
    assertThat(v2.generations().pauseBuild().number()).as("idempotent").isEqualTo(started.number());
    MeterRegistry meters = new SimpleMeterRegistry();
    ProjectionRunner builder = run(v2, meters);
    await().atMost(DEADLINE).until(() -> builder.status("totals").state() == RunState.PAUSED);
    await().atMost(DEADLINE).until(() -> meters.find(MetricNames.REBUILD_POSITION)
        .tag(MetricNames.TAG_GENERATION, "2").gauge() != null);
    assertThat(meters.get(MetricNames.REBUILD_POSITION).tag(MetricNames.TAG_GENERATION, "2")
        .gauge().value()).as("the paused build's position").isZero();

    long later = deposits(60);
    assertThat(live.awaitPosition("totals", later, DEADLINE)).as("the live generation follows")
        .isTrue();
    assertThat(v1.readModel(TOTALS).findById("acc-1").orElseThrow().balance()).isEqualTo(8);
    assertThat(checkpoint(2)).as("the paused build holds at its checkpoint").isZero();
    assertThat(builder.status("totals").state()).isEqualTo(RunState.PAUSED);
    assertThatThrownBy(() -> v2.generations().cutOver())
        .isInstanceOf(GenerationStateException.class).hasMessageContaining("is paused");
    assertThat(v1.generations().live().number()).isEqualTo(1);

    assertThat(v1.generations().resumeBuild().buildPaused()).isFalse();
    await().atMost(DEADLINE).until(() -> v1.generations().live().number() == 2);
    assertThat(v1.readModel(TOTALS).findById("acc-1").orElseThrow())
        .isEqualTo(new Total("acc-1", 8, "2"));
    assertThat(checkpoint(2)).isEqualTo(later);
    assertThatThrownBy(() -> v1.generations().pauseBuild())
        .isInstanceOf(GenerationStateException.class).hasMessageContaining("no build to pause");
  }

  @Test
  void aRegistryWrittenBeforeBuildsCouldBePausedReadsAsNotPaused() {
    Generation stored = io.orchestrix.projection.core.json.JacksonDocumentCodec.create().decode(
        "{\"number\":2,\"version\":\"2\",\"state\":\"BUILDING\","
            + "\"since\":\"2026-01-01T00:00:00Z\",\"note\":\"started\"}", Generation.class);
    assertThat(stored).isEqualTo(new Generation(2, "2", Generation.State.BUILDING,
        java.time.Instant.parse("2026-01-01T00:00:00Z"), "started", false));
    assertThatThrownBy(() -> stored.in(Generation.State.LIVE, stored.since(), "x")
        .withBuildPaused(true, stored.since(), "paused"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in state LIVE");
  }
}
