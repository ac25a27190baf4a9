package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.actuate.ProjectionsEndpoint;
import io.orchestrix.projection.spring.actuate.ProjectionsHealthIndicator;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsActuatorAutoConfiguration;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ActuatorTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          ProjectionsAutoConfiguration.class, ProjectionsActuatorAutoConfiguration.class))
      .withUserConfiguration(ProjectionsAutoConfigurationTest.NotesConfig.class);

  @Test
  void healthIsUpWithEachProjectionsDetailsAndDownOnceOneStopsOnAFailedEvent() {
    runner.run(context -> {
      ProjectionsHealthIndicator health = context.getBean(ProjectionsHealthIndicator.class);
      InMemoryEventLog log = context.getBean(InMemoryEventLog.class);
      long position = log.append("note-1", new NoteWritten("note-1", "fine"));
      context.getBean(ReadYourWrites.class).await(position);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsKey("notes");

      log.append("note-2", new NoteWritten("note-2", "fail"));
      await().atMost(DEADLINE).until(() -> health.health().getStatus().equals(Status.DOWN));
      @SuppressWarnings("unchecked")
      Map<String, Object> notes = (Map<String, Object>) health.health().getDetails().get("notes");
      assertThat(notes).containsEntry("state", "FAILED").containsEntry("position", position);
      assertThat((String) notes.get("lastError")).contains("note note-2 cannot be kept");
    });
  }

  @Test
  void theHealthIndicatorCanBeSwitchedOff() {
    runner.withPropertyValues("management.health.projections.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ProjectionsHealthIndicator.class));
  }

  @Test
  void theEndpointExistsOnlyOnceTheApplicationExposesIt() {
    runner.run(context -> assertThat(context).doesNotHaveBean(ProjectionsEndpoint.class));
    runner.withPropertyValues("management.endpoints.web.exposure.include=projections")
        .run(context -> assertThat(context).hasSingleBean(ProjectionsEndpoint.class));
  }

  @Test
  void overHttpARefusedActionAnswers400WithItsReasonAndAnUnknownProjection404() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=projections")
        .run(context -> {
          var web = context.getBean(
              io.orchestrix.projection.spring.actuate.ProjectionsWebEndpointExtension.class);
          var refused = web.operate("notes", "explode", null, null, null, null, null, null);
          assertThat(refused.getStatus()).isEqualTo(400);
          assertThat(refused.getBody()).containsEntry("status", 400)
              .hasEntrySatisfying("message", m -> assertThat((String) m)
                  .contains("action must be one of").contains("'explode'"));
          assertThat(web.operate("nosuch", "pause", null, null, null, null, null, null).getStatus())
              .isEqualTo(404);
          assertThat(web.operate("notes", "pause", null, null, null, null, null, null).getBody())
              .containsEntry("action", "pause");
        });
  }

  @Test
  void theEndpointPausesResumesAndOperatesDeadLetters() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=projections",
            "orchestrix.projections.failure.policy=dead-letter")
        .run(context -> {
          ProjectionsEndpoint endpoint = context.getBean(ProjectionsEndpoint.class);
          ProjectionEngines engines = context.getBean(ProjectionEngines.class);
          InMemoryEventLog log = context.getBean(InMemoryEventLog.class);
          ReadYourWrites readYourWrites = context.getBean(ReadYourWrites.class);

          endpoint.operate("notes", "pause", null, null, null, null, null, null);
          await().atMost(DEADLINE).until(() -> engines.statuses().get(0).state() == RunState.PAUSED);
          long failed = log.append("note-1", new NoteWritten("note-1", "fail"));
          endpoint.operate("notes", "resume", null, null, null, null, null, null);
          readYourWrites.await(failed);

          assertThat(endpoint.deadLetters("notes", "dead-letters")).singleElement()
              .satisfies(letter -> assertThat(letter.streamId()).isEqualTo("note-1"));
          assertThatThrownBy(() -> endpoint.operate("notes", "discard-dead-letters", null, null, null, null, null, null))
              .isInstanceOf(org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class).hasMessageContaining("all=true");
          Map<String, Object> discarded =
              endpoint.operate("notes", "discard-dead-letters", null, "note-1", null, null, null, null);
          assertThat(discarded).containsEntry("discarded", 1);
          assertThat(endpoint.deadLetters("notes", "dead-letters")).isEmpty();
          assertThat(endpoint.projections()).containsKey("projections");
          assertThat(endpoint.projection("nosuch")).isNull();
          assertThatThrownBy(() -> endpoint.operate("notes", "explode", null, null, null, null, null, null))
              .hasMessageContaining("action must be one of");
        });
  }
}
