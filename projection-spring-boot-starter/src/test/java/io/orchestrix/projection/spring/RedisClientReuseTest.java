package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.spring.Notes.Note;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.Notes.NotesProjection;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * The Redis store on the application's own Jedis client, and on a client the starter opens itself,
 * against the real Redis server of {@code PROJECTION_TEST_REDIS_URL}. The application's client is
 * registered without a destroy method, so that what the context closes at shutdown is the starter's
 * doing alone: it must leave the application's client open and close the one it opened.
 */
class RedisClientReuseTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String keyPrefix = "orx-starter-" + run + ":";
  private URI server;
  private RedisClient applicationClient;
  private Jedis probe;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class))
      .withUserConfiguration(ProjectionsAutoConfigurationTest.NotesConfig.class);

  @BeforeEach
  void connect() {
    String url = System.getenv("PROJECTION_TEST_REDIS_URL");
    assumeTrue(url != null || !"true".equals(System.getenv("CI")),
        "PROJECTION_TEST_REDIS_URL is not set");
    server = URI.create(url != null ? url : "redis://127.0.0.1:6379/0");
    applicationClient = RedisClient.builder().hostAndPort(server.getHost(), server.getPort())
        .clientConfig(config("orx-app-" + run)).build();
    probe = new Jedis(server.getHost(), server.getPort());
  }

  @AfterEach
  void close() {
    if (applicationClient != null) {
      for (String key : applicationClient.keys(keyPrefix + "*")) {
        applicationClient.del(key);
      }
      applicationClient.close();
      probe.close();
    }
  }

  private DefaultJedisClientConfig config(String clientName) {
    String path = server.getPath();
    int database = path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
    return DefaultJedisClientConfig.builder().database(database).clientName(clientName).build();
  }

  @Test
  void theStoreRunsOnTheApplicationsClientAndLeavesItOpenAtShutdown() {
    long borrowedBefore = applicationClient.getPool().getBorrowedCount();
    runner.withBean(RedisClient.class, () -> applicationClient, bean -> bean.setDestroyMethodName(""))
        .withPropertyValues("orchestrix.projections.store.properties.key-prefix=" + keyPrefix)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ProjectionStateStore.class).description())
              .contains("supplied by the application").contains(keyPrefix);
          long position = context.getBean(InMemoryEventLog.class)
              .append("note-1", new NoteWritten("note-1", "on the application's client"));
          context.getBean(ReadYourWrites.class).await(position);
          assertThat(context.getBean(ProjectionEngines.class).engine("notes")
              .readModel(NotesProjection.NOTES).findById("note-1"))
              .contains(new Note("note-1", "on the application's client"));
          assertThat(applicationClient.getPool().getBorrowedCount())
              .as("connections the store borrowed from the application's pool")
              .isGreaterThan(borrowedBefore);
          assertThat(applicationClient.keys(keyPrefix + "*")).isNotEmpty();
        });

    assertThat(applicationClient.getPool().isClosed()).isFalse();
    assertThat(applicationClient.ping()).isEqualTo("PONG");
    assertThat(applicationClient.keys(keyPrefix + "*")).as("the projection's data, kept").isNotEmpty();
  }

  @Test
  void aClientTheStarterOpensFromTheUriIsClosedAtShutdownAndTheApplicationsIsNot() {
    String ownName = "orx-own-" + run;
    runner.withBean(RedisClient.class, () -> applicationClient, bean -> bean.setDestroyMethodName(""))
        .withPropertyValues("orchestrix.projections.store.uri=" + server,
            "orchestrix.projections.store.properties.key-prefix=" + keyPrefix,
            "orchestrix.projections.store.properties.client-name=" + ownName)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ProjectionStateStore.class).description())
              .doesNotContain("supplied by the application");
          long borrowedBefore = applicationClient.getPool().getBorrowedCount();
          long position = context.getBean(InMemoryEventLog.class)
              .append("note-1", new NoteWritten("note-1", "on the starter's client"));
          context.getBean(ReadYourWrites.class).await(position);
          assertThat(connectionsNamed(ownName)).isPositive();
          assertThat(applicationClient.getPool().getBorrowedCount())
              .as("the store does not use the application's client when store.uri is set")
              .isEqualTo(borrowedBefore);
        });

    await().atMost(DEADLINE).until(() -> connectionsNamed(ownName) == 0);
    assertThat(applicationClient.ping()).isEqualTo("PONG");
    assertThat(connectionsNamed("orx-app-" + run)).isPositive();
  }

  /** The server's connections of that client name, from {@code CLIENT LIST}. */
  private long connectionsNamed(String clientName) {
    return Arrays.stream(probe.clientList().split("\n"))
        .filter(line -> Arrays.asList(line.trim().split(" ")).contains("name=" + clientName))
        .count();
  }
}
