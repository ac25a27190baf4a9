package io.orchestrix.projection.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.orchestrix.projection.tck.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The MongoDB server a test class runs against, resolved as {@link TestServers} says: the one named by
 * {@code PROJECTION_TEST_MONGO_URI} if set (a real server, replica set or not); else, if a Docker
 * daemon answers, a single-node replica set started once per test run with Testcontainers (so the
 * transactional mode runs); else an in-process mongo-java-server on a random port, started for the
 * class and stopped after it. Tests isolate their data by collection prefix.
 */
final class TestMongo implements AutoCloseable {

  private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

  private final String uri;
  private final @Nullable MongoServer embedded;

  private TestMongo(String uri, @Nullable MongoServer embedded) {
    this.uri = uri;
    this.embedded = embedded;
  }

  /** Resolves the server as {@link TestServers} says, falling back to the in-process one. */
  static TestMongo start() {
    Optional<String> configured = TestServers.find(TestServers.Server.MONGO);
    if (configured.isPresent()) {
      return new TestMongo(configured.get(), null);
    }
    if (dockerAnswers()) {
      return new TestMongo(ReplicaSetContainer.uri(), null);
    }
    MongoServer server = new MongoServer(new MemoryBackend());
    InetSocketAddress address = server.bind();
    return new TestMongo("mongodb://127.0.0.1:" + address.getPort() + "/orchestrix_test", server);
  }

  private static boolean dockerAnswers() {
    String dockerHost = System.getenv("DOCKER_HOST");
    boolean configured = (dockerHost != null && !dockerHost.isBlank())
        || Files.exists(Path.of("/var/run/docker.sock"));
    return configured && DockerClientFactory.instance().isDockerAvailable();
  }

  /** One MongoDB replica set container for the whole test run, stopped by Testcontainers at exit. */
  private static final class ReplicaSetContainer {
    private static final MongoDBContainer CONTAINER = start();

    private static MongoDBContainer start() {
      MongoDBContainer container = new MongoDBContainer(DockerImageName.parse("mongo:7.0")).withReplicaSet();
      container.start();
      return container;
    }

    static String uri() {
      return CONTAINER.getReplicaSetUrl("orchestrix_test");
    }
  }

  /** The server's URI. */
  String uri() {
    return uri;
  }

  /** The database the store uses on this server: the URI's, which the store requires. */
  String database() {
    return java.util.Objects.requireNonNull(new ConnectionString(uri).getDatabase(),
        "the test server's URI must name a database");
  }

  /** Drops every collection of the store's database whose name starts with the prefix. */
  void drop(String prefix) {
    try (MongoClient client = MongoClients.create(uri)) {
      MongoDatabase database = client.getDatabase(database());
      for (String name : database.listCollectionNames()) {
        if (name.startsWith(prefix)) {
          database.getCollection(name).drop();
        }
      }
    }
  }

  /** Whether this is the in-process stand-in, which has no transactions. */
  boolean isEmbedded() {
    return embedded != null;
  }

  /** A collection prefix no other test uses; its collections are dropped when the server closes. */
  static String freshPrefix() {
    String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    ISSUED.add(prefix);
    return prefix;
  }

  /** Options for a test's own data. */
  static MongoStoreOptions.Builder options(String prefix) {
    return MongoStoreOptions.builder().collectionPrefix(prefix);
  }

  /** Stops the in-process server, or drops what the tests wrote on a real one. */
  @Override
  public void close() {
    if (embedded != null) {
      embedded.shutdownNow();
      return;
    }
    try (MongoClient client = MongoClients.create(uri)) {
      MongoDatabase database = client.getDatabase(database());
      for (String name : database.listCollectionNames()) {
        if (name.length() > 12 && ISSUED.contains(name.substring(0, 12))) {
          database.getCollection(name).drop();
        }
      }
    }
  }
}
