package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.spring.Notes.Note;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.Notes.NotesProjection;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The MongoDB store on the application's own {@code MongoClient}, and on a client the starter opens
 * itself, against an in-process mongo-java-server of this test alone. The application's client is
 * registered without a destroy method, so that what the context closes at shutdown is the starter's
 * doing alone: it must leave the application's client open and close the one it opened.
 */
class MongoClientReuseTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final String database = "starter_" + UUID.randomUUID().toString().substring(0, 8);
  /** Commands the application's client sent to the projection's database. */
  private final AtomicLong applicationCommands = new AtomicLong();
  private final ConnectionsByApplication connections = new ConnectionsByApplication();
  private MongoServer server;
  private String uri;
  private MongoClient applicationClient;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class))
      .withUserConfiguration(ProjectionsAutoConfigurationTest.NotesConfig.class);

  @BeforeEach
  void start() {
    server = new MongoServer(connections);
    InetSocketAddress address = server.bind();
    uri = "mongodb://127.0.0.1:" + address.getPort();
    CommandListener counting = new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent event) {
        if (event.getDatabaseName().equals(database)) {
          applicationCommands.incrementAndGet();
        }
      }
    };
    applicationClient = MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(uri)).applicationName("orx-app")
        .addCommandListener(counting).build());
  }

  @AfterEach
  void stop() {
    applicationClient.close();
    server.shutdownNow();
  }

  @Test
  void theStoreRunsOnTheApplicationsClientAndLeavesItOpenAtShutdown() {
    runner.withBean(MongoClient.class, () -> applicationClient, bean -> bean.setDestroyMethodName(""))
        .withPropertyValues("orchestrix.projections.store.properties.database=" + database)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ProjectionStateStore.class).description())
              .contains("application client").endsWith("/" + database);
          long before = applicationCommands.get();
          long position = context.getBean(InMemoryEventLog.class)
              .append("note-1", new NoteWritten("note-1", "on the application's client"));
          context.getBean(ReadYourWrites.class).await(position);
          assertThat(context.getBean(ProjectionEngines.class).engine("notes")
              .readModel(NotesProjection.NOTES).findById("note-1"))
              .contains(new Note("note-1", "on the application's client"));
          assertThat(applicationCommands.get())
              .as("commands the application's client sent for the projection").isGreaterThan(before);
        });

    assertThat(applicationClient.getDatabase(database).listCollectionNames().into(new java.util.ArrayList<>()))
        .as("the application's client still works, and the projection's data is kept").isNotEmpty();
  }

  @Test
  void aClientTheStarterOpensFromTheUriIsClosedAtShutdownAndTheApplicationsIsNot() {
    runner.withBean(MongoClient.class, () -> applicationClient, bean -> bean.setDestroyMethodName(""))
        .withPropertyValues(
            "orchestrix.projections.store.uri=" + uri + "/" + database + "?appName=orx-own")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ProjectionStateStore.class).description())
              .doesNotContain("application client");
          long before = applicationCommands.get();
          long position = context.getBean(InMemoryEventLog.class)
              .append("note-1", new NoteWritten("note-1", "on the starter's client"));
          context.getBean(ReadYourWrites.class).await(position);
          assertThat(connections.open("orx-own")).as("the starter's own client's connections")
              .isPositive();
          assertThat(applicationCommands.get())
              .as("the store does not use the application's client when store.uri is set")
              .isEqualTo(before);
        });

    await().atMost(DEADLINE).until(() -> connections.open("orx-own") == 0);
    assertThat(connections.open("orx-app")).isPositive();
    assertThat(applicationClient.getDatabase(database).listCollectionNames().into(new java.util.ArrayList<>()))
        .isNotEmpty();
  }

  /**
   * The in-memory backend, noting which client application (the {@code appName} of its handshake)
   * opened each connection, so that a test counts the connections of one client still open.
   */
  static final class ConnectionsByApplication extends MemoryBackend {
    private final Map<Channel, String> applications = new ConcurrentHashMap<>();

    @Override
    public de.bwaldvogel.mongo.bson.Document handleCommand(Channel channel, String database,
        String command, de.bwaldvogel.mongo.bson.Document query) {
      note(channel, query);
      return super.handleCommand(channel, database, command, query);
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
      note(query.getChannel(), query.getQuery());
      return super.handleQuery(query);
    }

    @Override
    public de.bwaldvogel.mongo.bson.Document handleMessage(MongoMessage message) {
      note(message.getChannel(), message.getDocument());
      return super.handleMessage(message);
    }

    private void note(Channel channel, de.bwaldvogel.mongo.bson.Document command) {
      if (command.get("client") instanceof de.bwaldvogel.mongo.bson.Document client
          && client.get("application") instanceof de.bwaldvogel.mongo.bson.Document application) {
        applications.put(channel, String.valueOf(application.get("name")));
      }
    }

    /** Connections of the application still open. */
    long open(String application) {
      return applications.entrySet().stream()
          .filter(e -> e.getValue().equals(application) && e.getKey().isActive()).count();
    }
  }
}
