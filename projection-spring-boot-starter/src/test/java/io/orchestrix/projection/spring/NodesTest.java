package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.Notes.NotesProjection;
import io.orchestrix.projection.spring.actuate.ProjectionsHealthIndicator;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsActuatorAutoConfiguration;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Two application instances on one store: node names, leases, partitions and standby health. */
class NodesTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static ApplicationContextRunner node(String name, String store, InMemoryEventLog log,
      String... more) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            ProjectionsAutoConfiguration.class, ProjectionsActuatorAutoConfiguration.class))
        .withUserConfiguration(ProjectionsAutoConfigurationTest.NotesConfig.class)
        .withBean(EventSource.class, () -> log)
        .withPropertyValues("orchestrix.projections.store.uri=" + store,
            "orchestrix.projections.node-name=" + name, "orchestrix.projections.lease-time=2s",
            "orchestrix.projections.max-latency=50ms")
        .withPropertyValues(more);
  }

  @Test
  void aSinglePartitionProjectionRunsOnOneNodeWhileTheOtherStandsByAndBothAreUp() {
    InMemoryEventLog log = new InMemoryEventLog();
    String store = "memory:starter-nodes-standby";
    node("node-a", store, log).run(a -> node("node-b", store, log).run(b -> {
      ProjectionEngines onA = a.getBean(ProjectionEngines.class);
      ProjectionEngines onB = b.getBean(ProjectionEngines.class);
      await().atMost(DEADLINE).until(() -> {
        RunState stateA = onA.statuses().get(0).state();
        RunState stateB = onB.statuses().get(0).state();
        return (stateA == RunState.STANDBY) != (stateB == RunState.STANDBY);
      });
      for (var context : new org.springframework.context.ApplicationContext[] {a, b}) {
        var health = context.getBean(ProjectionsHealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        @SuppressWarnings("unchecked")
        Map<String, Object> notes = (Map<String, Object>) health.getDetails().get("notes");
        assertThat(notes).containsKey("partitions");
      }
    }));
  }

  @Test
  void twoNodesShareAPartitionedProjectionAndApplyEveryEventOnce() {
    InMemoryEventLog log = new InMemoryEventLog();
    String store = "memory:starter-nodes-partitions";
    node("node-a", store, log, "orchestrix.projections.partitions=4")
        .run(a -> node("node-b", store, log, "orchestrix.projections.partitions=4").run(b -> {
          for (int i = 0; i < 40; i++) {
            log.append("note-" + i, new NoteWritten("note-" + i, "text-" + i));
          }
          var notes = a.getBean(ProjectionEngines.class).engine("notes").readModel(NotesProjection.NOTES);
          await().atMost(DEADLINE).until(() -> notes.count() == 40);
          await().atMost(DEADLINE).until(() ->
              b.getBean(ProjectionEngines.class).partitions("notes").size() == 4);
        }));
  }
}
