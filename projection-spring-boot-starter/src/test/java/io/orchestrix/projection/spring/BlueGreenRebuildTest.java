package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.actuate.ProjectionsEndpoint;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsActuatorAutoConfiguration;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The endpoint's rebuild without downtime, with two nodes on one database as in a rolling deployment:
 * node A runs version 1 of a projection, node B version 2, which waits for an operator. B's endpoint
 * starts the blue/green rebuild, reports its progress, cuts over, rolls back and drops; readers on
 * both nodes see the whole version-1 read model until the cut-over, then the whole version-2 one.
 */
class BlueGreenRebuildTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int NOTES = 40;

  record Shelved(String id, String text, String version) {}

  /** Version 1 keeps each note's text as it is. */
  @Projection(id = "shelf", version = "1")
  static class ShelfV1 {
    static final ReadModel<Shelved> SHELF = ReadModel.builder("shelf", Shelved.class)
        .id(Shelved::id).index("version", Shelved::version).build();

    @Handles
    void on(NoteWritten event, HandlerContext context) {
      context.readModel(SHELF).save(new Shelved(event.id(), event.text(), "1"));
    }
  }

  /** Version 2 keeps it in upper case: a change of handler that needs the read model rebuilt. */
  @Projection(id = "shelf", version = "2", readModels = ShelfV1.class)
  static class ShelfV2 {
    @Handles
    void on(NoteWritten event, HandlerContext context) {
      context.readModel(ShelfV1.SHELF).save(new Shelved(event.id(),
          event.text().toUpperCase(Locale.ROOT), "2"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class V1 {
    @Bean
    ShelfV1 shelfV1() {
      return new ShelfV1();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class V2 {
    @Bean
    ShelfV2 shelfV2() {
      return new ShelfV2();
    }
  }

  /** A version the engine refuses. */
  @Projection(id = "badly-versioned", version = "two words")
  static class BadlyVersioned {
    @Handles
    void on(NoteWritten event) {}
  }

  @Test
  void aBadVersionFailsTheStartNamingTheBeanAndTheRule() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class))
        .withBean("badlyVersioned", BadlyVersioned.class)
        .run(context -> assertThat(context).getFailure()
            .hasRootCauseInstanceOf(IllegalArgumentException.class)
            .rootCause().hasMessageContaining("version must be 1 to 40 characters")
            .hasMessageContaining("'two words'"));
  }

  @Test
  void onH2ReadersSeeTheWholeOldModelUntilTheCutOverThenTheWholeNewOne() {
    try (HikariDataSource dataSource = StarterTestDataSources.h2()) {
      rollingDeployment(dataSource);
    }
  }

  @Test
  void onPostgresqlReadersSeeTheWholeOldModelUntilTheCutOverThenTheWholeNewOne() throws Exception {
    String url = System.getenv("PROJECTION_TEST_POSTGRES_URL");
    assumeTrue(url != null || !"true".equals(System.getenv("CI")),
        "PROJECTION_TEST_POSTGRES_URL is not set");
    try (HikariDataSource dataSource = StarterTestDataSources.pool(
        url != null ? url : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres")) {
      StarterTestDataSources.dropTables(dataSource, "sbg_");
      rollingDeployment(dataSource);
    }
  }

  private static ApplicationContextRunner node(DataSource dataSource, Class<?> version) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            ProjectionsAutoConfiguration.class, ProjectionsActuatorAutoConfiguration.class))
        .withUserConfiguration(version)
        .withBean(DataSource.class, () -> dataSource, shared -> shared.setDestroyMethodName(""))
        .withPropertyValues("management.endpoints.web.exposure.include=projections",
            "orchestrix.projections.store.properties.table-prefix=sbg_",
            "orchestrix.projections.source.properties.table-prefix=sbg_",
            "orchestrix.projections.max-latency=50ms",
            "orchestrix.projections.generations.refresh=50ms",
            "orchestrix.projections.generations.build-on-start=false",
            "orchestrix.projections.generations.automatic-cut-over=false");
  }

  private void rollingDeployment(DataSource dataSource) {
    node(dataSource, V1.class).run(a -> {
      appendNotes(a);
      node(dataSource, V2.class).run(b -> deployVersion2(a, b, a.getBean(JdbcEventStore.class)));
    });
  }

  /** Appends the notes and waits until the node has processed them. */
  private static void appendNotes(AssertableApplicationContext node) {
    JdbcEventStore events = node.getBean(JdbcEventStore.class);
    long head = 0;
    for (int i = 0; i < NOTES; i++) {
      head = events.append("note-" + i, 0, List.of(new NoteWritten("note-" + i, "text " + i)));
    }
    node.getBean(ReadYourWrites.class).await(head);
  }

  private void deployVersion2(AssertableApplicationContext a, AssertableApplicationContext b,
      JdbcEventStore events) throws InterruptedException {
    ProjectionsEndpoint endpoint = b.getBean(ProjectionsEndpoint.class);
    await().atMost(DEADLINE).until(() -> state(b).equals(RunState.STANDBY.name()));
    assertThat(endpoint.projection("shelf")).containsEntry("codeVersion", "2")
        .extractingByKey("generations").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).singleElement()
        .satisfies(g -> assertThat(map(g)).containsEntry("number", 1)
            .containsEntry("version", "1").containsEntry("state", "LIVE"));

    ConsistentReaders readers = new ConsistentReaders(List.of(view(a), view(b)), NOTES);
    readers.start();
    Map<String, Object> started = operate(endpoint, "rebuild", null, null);
    assertThat(started).containsEntry("mode", "blue-green").extractingByKey("building")
        .satisfies(g -> assertThat(map(g)).containsEntry("number", 2)
            .containsEntry("version", "2").containsEntry("state", "BUILDING"));
    assertThat(operate(endpoint, "rebuild", null, null)).as("idempotent")
        .extractingByKey("building").satisfies(g -> assertThat(map(g)).containsEntry("number", 2));

    long newHead = events.append("note-late", 0, List.of(new NoteWritten("note-late", "late")));
    a.getBean(ReadYourWrites.class).await(newHead);
    await().atMost(DEADLINE).until(() -> rebuild(endpoint) != null
        && ((Number) rebuild(endpoint).get("position")).longValue() == newHead
        && ((Number) rebuild(endpoint).get("remaining")).longValue() == 0);
    assertThat(rebuild(endpoint)).containsEntry("generation", 2).containsEntry("version", "2")
        .containsEntry("headPosition", newHead).containsEntry("percent", 100.0);
    assertThat(endpoint.projection("shelf")).containsEntry("generation", 2);
    readers.awaitVersion("1");
    assertThat(readers.versionsSeen()).as("before the cut-over").containsOnly(List.of("1"));
    assertThat(all(view(b))).hasSize(NOTES + 1).allSatisfy(s -> assertThat(s.version()).isEqualTo("1"));

    ProjectionsEndpoint endpointOfA = a.getBean(ProjectionsEndpoint.class);
    assertThatThrownBy(() -> operate(endpointOfA, "cut-over", null, null))
        .isInstanceOf(InvalidEndpointRequestException.class)
        .hasMessageContaining("generation 2 of projection 'shelf' is not being built on this node");
    assertThat(operate(endpoint, "cut-over", null, null)).extractingByKey("live")
        .satisfies(g -> assertThat(map(g)).containsEntry("number", 2));

    readers.awaitVersion("2");
    await().atMost(DEADLINE).until(() -> all(view(a)).stream().allMatch(s -> s.version().equals("2")));
    assertThat(all(view(b))).hasSize(NOTES + 1)
        .contains(new Shelved("note-late", "LATE", "2"), new Shelved("note-0", "TEXT 0", "2"));
    await().atMost(DEADLINE).until(() -> state(a).equals(RunState.FAILED.name()));
    assertThat(a.getBean(ProjectionEngines.class).statuses().get(0).lastError())
        .contains("version");

    assertThat(operate(endpoint, "rollback", null, null)).extractingByKey("live")
        .satisfies(g -> assertThat(map(g)).containsEntry("number", 1));
    readers.awaitVersion("1");
    readers.stop();
    assertThat(readers.violations()).isEmpty();
    assertThat(readers.versionsSeen()).containsOnly(List.of("1", "2", "1"));
    await().atMost(DEADLINE).until(() -> state(a).equals(RunState.RUNNING.name()));
    await().atMost(DEADLINE).until(() -> state(b).equals(RunState.FAILED.name()));

    assertThatThrownBy(() -> operate(endpoint, "drop-generation", null, 1))
        .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("LIVE");
    assertThat(operate(endpoint, "drop-generation", null, 2)).containsEntry("dropped", 2);
    List<?> generations = (List<?>) endpoint.projection("shelf").get("generations");
    assertThat(generations.stream().map(g -> map(g).get("state")).toList())
        .containsExactly("LIVE", "DROPPED");
  }

  @Test
  void theBuildRateLimitPropertyHoldsANewGenerationsBuildToItsPace() {
    try (HikariDataSource dataSource = StarterTestDataSources.h2()) {
      node(dataSource, V1.class).run(BlueGreenRebuildTest::appendNotes);
      long started = System.nanoTime();
      node(dataSource, V2.class).withPropertyValues("orchestrix.projections.batch-size=5",
          "orchestrix.projections.generations.build-rate-limit=40",
          "orchestrix.projections.generations.cut-over-lag=0",
          "orchestrix.projections.generations.build-on-start=true",
          "orchestrix.projections.generations.automatic-cut-over=true").run(b -> {
            await().atMost(DEADLINE).until(() -> b.getBean(ProjectionEngines.class).engine("shelf")
                .generations().live().number() == 2);
            // 8 batches of 5 at 40 events/s: each batch after the first waits 125 ms for its turn
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(7 * 125));
            assertThat(all(view(b))).hasSize(NOTES)
                .allSatisfy(s -> assertThat(s.version()).isEqualTo("2"));
          });
    }
  }

  @Test
  void aBlueGreenRebuildOfTheLiveVersionIsRefusedNamingTheWaysOutAndInPlaceIsExplicit() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            ProjectionsAutoConfiguration.class, ProjectionsActuatorAutoConfiguration.class))
        .withUserConfiguration(ProjectionsAutoConfigurationTest.NotesConfig.class)
        .withPropertyValues("management.endpoints.web.exposure.include=projections")
        .run(context -> {
          ProjectionsEndpoint endpoint = context.getBean(ProjectionsEndpoint.class);
          var log = context.getBean(io.orchestrix.projection.core.InMemoryEventLog.class);
          long position = log.append("note-1", new NoteWritten("note-1", "kept"));
          context.getBean(ReadYourWrites.class).await(position);

          assertThatThrownBy(() -> operate(endpoint, "notes", "rebuild", null, null))
              .isInstanceOf(InvalidEndpointRequestException.class)
              .hasMessageContaining("version '1' is the live one")
              .hasMessageContaining("@Projection(version = ...)")
              .hasMessageContaining("mode=in-place");
          assertThatThrownBy(() -> operate(endpoint, "notes", "rebuild", "sideways", null))
              .isInstanceOf(InvalidEndpointRequestException.class)
              .hasMessageContaining("mode must be blue-green or in-place but was 'sideways'");
          assertThatThrownBy(() -> operate(endpoint, "notes", "cut-over", null, null))
              .hasMessageContaining("nothing to cut over to");
          assertThatThrownBy(() -> operate(endpoint, "notes", "rollback", null, null))
              .hasMessageContaining("no retired generation");
          assertThatThrownBy(() -> operate(endpoint, "notes", "drop-generation", null, null))
              .hasMessageContaining("needs the generation's number");

          assertThat(operate(endpoint, "notes", "rebuild", "in-place", null))
              .containsEntry("mode", "in-place");
          await().atMost(DEADLINE).until(() -> context.getBean(ProjectionEngines.class)
              .engine("notes").readModel(Notes.NotesProjection.NOTES).findById("note-1").isPresent());
          assertThat(endpoint.projection("notes")).containsEntry("generation", 1)
              .doesNotContainKey("rebuild").containsEntry("codeVersion", "1");
        });
  }

  private static Map<String, Object> operate(ProjectionsEndpoint endpoint, String action,
      String mode, Integer generation) {
    return operate(endpoint, "shelf", action, mode, generation);
  }

  private static Map<String, Object> operate(ProjectionsEndpoint endpoint, String id, String action,
      String mode, Integer generation) {
    return endpoint.operate(id, action, null, null, null, mode, generation, null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object view) {
    return (Map<String, Object>) view;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> rebuild(ProjectionsEndpoint endpoint) {
    return (Map<String, Object>) endpoint.projection("shelf").get("rebuild");
  }

  private static String state(AssertableApplicationContext context) {
    return context.getBean(ProjectionEngines.class).statuses().get(0).state().name();
  }

  private static ReadModelView<Shelved> view(AssertableApplicationContext context) {
    return context.getBean(ProjectionEngines.class).engine("shelf").readModel(ShelfV1.SHELF);
  }

  static List<Shelved> all(ReadModelView<Shelved> view) {
    try (Stream<Shelved> all = view.streamAll()) {
      return all.toList();
    }
  }

  /**
   * Threads that read every node's view over and over, recording each query's version and any query
   * that saw fewer documents than there are, or a mix of versions.
   */
  static final class ConsistentReaders {
    private final List<ReadModelView<Shelved>> views;
    private final int atLeast;
    /** Per view, the versions its queries saw, each change once. */
    private final Map<ReadModelView<Shelved>, List<String>> seen = new java.util.IdentityHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    ConsistentReaders(List<ReadModelView<Shelved>> views, int atLeast) {
      this.views = views;
      this.atLeast = atLeast;
    }

    void start() {
      for (ReadModelView<Shelved> view : views) {
        Thread thread = new Thread(() -> read(view), "reader");
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    private void read(ReadModelView<Shelved> view) {
      while (!stopped) {
        List<Shelved> snapshot = all(view);
        Set<String> versions = snapshot.stream().map(Shelved::version).collect(Collectors.toSet());
        synchronized (this) {
          if (snapshot.size() < atLeast || versions.size() != 1) {
            violations.add(snapshot.size() + " documents of versions " + versions);
          } else {
            List<String> sequence = seen.computeIfAbsent(view, v -> new ArrayList<>());
            String version = versions.iterator().next();
            if (sequence.isEmpty() || !sequence.get(sequence.size() - 1).equals(version)) {
              sequence.add(version);
            }
          }
        }
        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
      }
    }

    /** Waits until every view's queries see the version. */
    void awaitVersion(String version) {
      await().atMost(DEADLINE).until(() -> {
        synchronized (this) {
          return views.stream().allMatch(view -> {
            List<String> sequence = seen.getOrDefault(view, List.of());
            return !sequence.isEmpty() && sequence.get(sequence.size() - 1).equals(version);
          });
        }
      });
    }

    /** Per view, in the order given, the versions its queries saw. */
    synchronized List<List<String>> versionsSeen() {
      return views.stream().map(view -> List.copyOf(seen.getOrDefault(view, List.of()))).toList();
    }

    synchronized List<String> violations() {
      return List.copyOf(violations);
    }

    void stop() throws InterruptedException {
      stopped = true;
      for (Thread thread : threads) {
        thread.join(DEADLINE.toMillis());
      }
    }
  }
}
