package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.core.ProjectionStores;
import io.orchestrix.projection.jdbc.JdbcProjectionStore;
import io.orchestrix.projection.spring.Notes.Note;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.Notes.NotesProjection;
import io.orchestrix.projection.spring.Notes.TagsProjection;
import io.orchestrix.projection.spring.Notes.Tagged;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;

class ProjectionsAutoConfigurationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class));

  @Configuration(proxyBeanMethods = false)
  static class NotesConfig {
    @Bean
    NotesProjection notesProjection() {
      return new NotesProjection();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TagsConfig {
    @Bean
    TagsProjection tagsProjection() {
      return new TagsProjection();
    }
  }

  /** A service that injects read-model views by their document type. */
  static class NoteQueries {
    @Autowired ReadModelView<Note> notes;
    @Autowired ReadModelView<Tagged> tags;
  }

  @Test
  void withoutPropertiesOrClientsItRunsOnTheMemoryStoreAndAnInMemoryEventLog() {
    runner.withUserConfiguration(NotesConfig.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(ProjectionStateStore.class).description()).startsWith("memory");
      InMemoryEventLog log = context.getBean(InMemoryEventLog.class);
      long position = log.append("note-1", new NoteWritten("note-1", "hello"));
      context.getBean(ReadYourWrites.class).await(position);
      ReadModelView<Note> notes = context.getBean(ProjectionEngines.class).engine("notes")
          .readModel(NotesProjection.NOTES);
      assertThat(notes.findById("note-1")).contains(new Note("note-1", "hello"));
    });
  }

  @Test
  void twoProjectionsInOneContextRunSideBySideAndTheirViewsAreInjectableByType() {
    runner.withUserConfiguration(NotesConfig.class, TagsConfig.class)
        .withBean(NoteQueries.class)
        .run(context -> {
          ProjectionEngines engines = context.getBean(ProjectionEngines.class);
          assertThat(engines.ids()).containsExactly("notes", "tags");
          InMemoryEventLog log = context.getBean(InMemoryEventLog.class);
          log.append("note-1", new NoteWritten("note-1", "red"));
          long last = log.append("note-2", new NoteWritten("note-2", "red"));
          context.getBean(ReadYourWrites.class).await(last);
          NoteQueries queries = context.getBean(NoteQueries.class);
          assertThat(queries.notes.count()).isEqualTo(2);
          assertThat(queries.tags.findById("red")).contains(new Tagged("red", 2));
          assertThat(context.getBeanNamesForType(
              ResolvableType.forClassWithGenerics(ReadModelView.class, Tagged.class)))
              .containsExactly("readModelView.tags");
        });
  }

  @Test
  void autoStartFalseLeavesTheProjectionsStopped() {
    runner.withUserConfiguration(NotesConfig.class)
        .withPropertyValues("orchestrix.projections.auto-start=false")
        .run(context -> assertThat(context.getBean(ProjectionEngines.class).statuses())
            .singleElement().extracting(s -> s.state()).isEqualTo(RunState.STOPPED));
  }

  @Test
  void enabledFalseConfiguresNothing() {
    runner.withUserConfiguration(NotesConfig.class)
        .withPropertyValues("orchestrix.projections.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ProjectionEngines.class)
            .doesNotHaveBean(ProjectionStateStore.class));
  }

  @Test
  void storeUriAndPropertiesOpenThatStore() {
    runner.withUserConfiguration(NotesConfig.class)
        .withPropertyValues("orchestrix.projections.store.uri=memory:starter-store-uri")
        .run(context -> {
          long position = context.getBean(InMemoryEventLog.class)
              .append("note-1", new NoteWritten("note-1", "kept"));
          context.getBean(ReadYourWrites.class).await(position);
          try (ProjectionStateStore shared = ProjectionStores.open("memory:starter-store-uri")) {
            assertThat(shared.loadState("notes")).hasValueSatisfying(
                state -> assertThat(state.lastProcessedPosition()).isEqualTo(position));
          }
        });
  }

  @Test
  void batchSizeMaxLatencyAndFailurePolicyReachTheEngineAndRunner() {
    runner.withUserConfiguration(NotesConfig.class)
        .withPropertyValues("orchestrix.projections.batch-size=2",
            "orchestrix.projections.max-latency=50ms",
            "orchestrix.projections.failure.policy=dead-letter")
        .run(context -> {
          InMemoryEventLog log = context.getBean(InMemoryEventLog.class);
          log.append("note-1", new NoteWritten("note-1", "fail"));
          long last = log.append("note-2", new NoteWritten("note-2", "fine"));
          context.getBean(ReadYourWrites.class).await(last);
          var engine = context.getBean(ProjectionEngines.class).engine("notes");
          assertThat(engine.operations().deadLetters()).singleElement()
              .satisfies(letter -> assertThat(letter.streamId()).isEqualTo("note-1"));
          assertThat(engine.readModel(NotesProjection.NOTES).findById("note-2")).isPresent();
        });
  }

  @Test
  void retryThenStopStopsUnhealthyAtTheFailedEventAfterItsAttempts() {
    runner.withUserConfiguration(NotesConfig.class)
        .withPropertyValues("orchestrix.projections.failure.policy=retry-then-stop",
            "orchestrix.projections.failure.max-attempts=2",
            "orchestrix.projections.failure.backoff-initial=10ms",
            "orchestrix.projections.failure.backoff-max=20ms")
        .run(context -> {
          context.getBean(InMemoryEventLog.class).append("note-1", new NoteWritten("note-1", "fail"));
          ProjectionEngines engines = context.getBean(ProjectionEngines.class);
          await().atMost(DEADLINE).until(() -> !engines.health().up());
          assertThat(engines.statuses()).singleElement().satisfies(status -> {
            assertThat(status.state()).isEqualTo(RunState.FAILED);
            assertThat(status.lastError()).contains("note note-1 cannot be kept");
          });
        });
  }

  @Test
  void theApplicationsMeterRegistryGetsTheMeters() {
    runner.withUserConfiguration(NotesConfig.class)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(context -> {
          long position = context.getBean(InMemoryEventLog.class)
              .append("note-1", new NoteWritten("note-1", "measured"));
          context.getBean(ReadYourWrites.class).await(position);
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get("projection.events").tag("projection", "notes")
              .tag("outcome", "applied").counter().count()).isEqualTo(1.0);
          assertThat(registry.find("projection.lag.events").tag("projection", "notes").gauge())
              .isNotNull();
        });
  }

  @Test
  void theStarterBacksOffWhenTheApplicationDefinesItsOwnStoreAndSource() {
    InMemoryEventLog ownLog = new InMemoryEventLog();
    runner.withUserConfiguration(NotesConfig.class)
        .withBean("ownStore", ProjectionStateStore.class,
            () -> ProjectionStores.open("memory:starter-own-store"))
        .withBean("ownSource", EventSource.class, () -> ownLog)
        .run(context -> {
          assertThat(context).hasSingleBean(ProjectionStateStore.class)
              .hasSingleBean(EventSource.class);
          assertThat(context.getBean(ProjectionStateStore.class).description())
              .contains("starter-own-store");
          long position = ownLog.append("note-1", new NoteWritten("note-1", "own"));
          context.getBean(ReadYourWrites.class).await(position);
          assertThat(context.getBean(ProjectionEngines.class).engine("notes")
              .readModel(NotesProjection.NOTES).count()).isEqualTo(1);
        });
  }

  @Test
  void readYourWritesTimesOutNamingWhereTheProjectionIs() {
    runner.withUserConfiguration(NotesConfig.class)
        .withPropertyValues("orchestrix.projections.auto-start=false",
            "orchestrix.projections.read-your-writes-timeout=100ms")
        .run(context -> {
          long position = context.getBean(InMemoryEventLog.class)
              .append("note-1", new NoteWritten("note-1", "never"));
          ReadYourWrites readYourWrites = context.getBean(ReadYourWrites.class);
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> readYourWrites.await(position))
              .isInstanceOf(ReadYourWritesTimeoutException.class)
              .hasMessageContaining("projection 'notes' had not reached position " + position)
              .hasMessageContaining("STOPPED");
        });
  }

  @Test
  void withoutAStoreModuleTheApplicationsDataSourceIsNotUsedForProjections() {
    runner.withUserConfiguration(NotesConfig.class)
        .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
            JdbcProjectionStore.class, io.orchestrix.projection.eventstore.jdbc.JdbcEventStore.class))
        .withBean(javax.sql.DataSource.class, StarterTestDataSources::h2)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ProjectionStateStore.class).description()).startsWith("memory");
          assertThat(context).hasSingleBean(InMemoryEventLog.class);
        });
  }

  static Optional<String> postgresUrl() {
    return Optional.ofNullable(System.getenv("PROJECTION_TEST_POSTGRES_URL"));
  }
}
