package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spring.Notes.Note;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.Notes.NotesProjection;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter on the application's own DataSource: H2 in memory, and PostgreSQL when configured. */
class JdbcWiringTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class))
      .withUserConfiguration(ProjectionsAutoConfigurationTest.NotesConfig.class);

  @Test
  void theApplicationsDataSourceHoldsBothTheEventStoreAndTheProjectionStore() {
    try (HikariDataSource dataSource = StarterTestDataSources.h2()) {
      runsTheNotesProjectionOn(dataSource);
    }
  }

  @Test
  void onPostgresqlTheSameWiringKeepsTheReadModelInTheApplicationsDatabase() throws Exception {
    String url = System.getenv("PROJECTION_TEST_POSTGRES_URL");
    assumeTrue(url != null || !"true".equals(System.getenv("CI")),
        "PROJECTION_TEST_POSTGRES_URL is not set");
    try (HikariDataSource dataSource = StarterTestDataSources.pool(
        url != null ? url : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres")) {
      StarterTestDataSources.dropTables(dataSource, "spr_");
      runner.withPropertyValues("orchestrix.projections.store.properties.table-prefix=spr_",
              "orchestrix.projections.source.properties.table-prefix=spr_")
          .withBean(javax.sql.DataSource.class, () -> dataSource)
          .run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ProjectionStateStore.class).description())
                .containsIgnoringCase("postgres");
            JdbcEventStore events = context.getBean(JdbcEventStore.class);
            long position = events.append("note-1", 0, List.of(new NoteWritten("note-1", "pg")));
            context.getBean(ReadYourWrites.class).await(position);
            assertThat(context.getBean(ProjectionEngines.class).engine("notes")
                .readModel(NotesProjection.NOTES).findById("note-1"))
                .contains(new Note("note-1", "pg"));
          });
    }
  }

  private void runsTheNotesProjectionOn(HikariDataSource dataSource) {
    runner.withBean(javax.sql.DataSource.class, () -> dataSource).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(EventSource.class)).isInstanceOf(JdbcEventStore.class);
      assertThat(context.getBean(ProjectionStateStore.class).description()).containsIgnoringCase("h2");
      JdbcEventStore events = context.getBean(JdbcEventStore.class);
      long position = events.append("note-1", 0, List.of(new NoteWritten("note-1", "stored")));
      context.getBean(ReadYourWrites.class).await(position);
      assertThat(context.getBean(ProjectionEngines.class).engine("notes")
          .readModel(NotesProjection.NOTES).findById("note-1")).contains(new Note("note-1", "stored"));
    });
  }
}
