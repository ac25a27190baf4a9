package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.BuildPauseTest.TOTALS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.BuildPauseTest.Total;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rate limit of a generation's build ({@code buildRateLimit}): a build beside the live generation
 * goes no faster than the limit, by replay and in a runner, while the live generation is never held
 * back by it. Only lower bounds of elapsed time are asserted (what the limit guarantees), and upper
 * bounds far above anything an unlimited run could take, so load on the machine cannot fail them.
 */
class BuildRateLimitTest {

  private static final Duration DEADLINE = Duration.ofSeconds(120);

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();

  @AfterEach
  void stop() {
    runners.forEach(ProjectionRunner::stop);
  }

  private ProjectionEngine engine(String version, int limit) {
    ProjectionEngine engine = Projections.engine("totals").store(store.openAnother())
        .readModel(TOTALS).version(version).cutOverLag(0).batchSize(100).buildRateLimit(limit)
        .generationRefresh(Duration.ofMillis(50)).build();
    engine.on(Opened.class, (Opened e, HandlerContext c) ->
        c.readModel(TOTALS).save(new Total(e.account(), 0, version)));
    engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
      Total before = c.readModel(TOTALS).findById(e.account()).orElseThrow();
      c.readModel(TOTALS).save(new Total(before.id(), before.balance() + e.amount(), version));
    });
    return engine;
  }

  private List<EventEnvelope<?>> history(int deposits) {
    for (int a = 0; a < 10; a++) {
      log.append("acc-" + a, new Opened("acc-" + a, "owner"));
    }
    for (int d = 0; d < deposits; d++) {
      log.append("acc-" + (d % 10), new Deposited("acc-" + (d % 10), 1));
    }
    return log.read(0, Integer.MAX_VALUE);
  }

  @Test
  void aReplayIntoANewGenerationGoesNoFasterThanTheLimitAndTheLiveOneIsNotHeldBack() {
    List<EventEnvelope<?>> events = history(1_990);
    // held to a limit of 1 event/s, 2,000 events would take 33 minutes
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> engine("1", 1).replay(events),
        "the live generation is not held to the build's limit");

    ProjectionEngine next = engine("2", 4_000);
    next.generations().startRebuild();
    long started = System.nanoTime();
    next.replay(events);
    // 20 batches of 100 at 4,000 events/s: the first at once, each next one 25 ms after the one before
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(
        Duration.ofMillis(19 * 25));
    assertThat(next.generations().cutOver().number()).isEqualTo(2);
    assertThat(next.readModel(TOTALS).findById("acc-3").orElseThrow())
        .isEqualTo(new Total("acc-3", 199, "2"));
  }

  @Test
  void aRunnerBuildsANewGenerationAtTheLimitThenCutsOverAndFollowsAtFullSpeed() throws Exception {
    long head = history(990).get(999).position();
    ProjectionRunner live = ProjectionRunner.builder(log).projection(engine("1", 1)).batchSize(100)
        .maxIdleWait(Duration.ofMillis(20)).build();
    runners.add(live);
    live.start();
    assertThat(live.awaitPosition("totals", head, DEADLINE)).as("live, not limited").isTrue();

    ProjectionEngine next = engine("2", 1_000);
    ProjectionRunner builder = ProjectionRunner.builder(log).projection(next).batchSize(100)
        .maxIdleWait(Duration.ofMillis(20)).build();
    runners.add(builder);
    long started = System.nanoTime();
    builder.start();
    await().atMost(DEADLINE).until(() -> next.generations().live().number() == 2);
    // 10 batches of 100 at 1,000 events/s: at least 9 waits of 100 ms before the last one is processed
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(
        Duration.ofMillis(9 * 100));
    assertThat(next.readModel(TOTALS).findById("acc-3").orElseThrow())
        .isEqualTo(new Total("acc-3", 99, "2"));

    long later = 0;
    for (int d = 0; d < 1_000; d++) {
      later = log.append("acc-1", new Deposited("acc-1", 1));
    }
    assertThat(builder.awaitPosition("totals", later, Duration.ofMinutes(2)))
        .as("once live, the generation follows without the limit").isTrue();
    assertThat(next.readModel(TOTALS).findById("acc-1").orElseThrow().balance()).isEqualTo(1_099);
  }

  @Test
  void aNegativeOrHugeLimitIsRefusedByName() {
    assertThatThrownBy(() -> Projections.engine("p").buildRateLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("buildRateLimit").hasMessageContaining("-1");
    assertThatThrownBy(() -> Projections.engine("p").buildRateLimit(100_000_001))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buildRateLimit");
  }
}
