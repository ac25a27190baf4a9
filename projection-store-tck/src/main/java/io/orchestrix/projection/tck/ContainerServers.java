package io.orchestrix.projection.tck;

import io.orchestrix.projection.tck.TestServers.Server;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * Servers started with Testcontainers when a Docker daemon answers: one per kind for the whole JVM,
 * removed by Testcontainers when the JVM ends. Thread-safe.
 */
final class ContainerServers {

  private static final Map<Server, Optional<String>> STARTED = new EnumMap<>(Server.class);

  private ContainerServers() {}

  /** The URL of a container for the server, started on first use; empty if Docker does not answer. */
  static synchronized Optional<String> url(Server server) {
    return STARTED.computeIfAbsent(server, ContainerServers::start);
  }

  private static Optional<String> start(Server server) {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return Optional.empty();
    }
    return Optional.of(switch (server) {
      case POSTGRES -> {
        GenericContainer<?> postgres = new GenericContainer<>("postgres:16-alpine")
            .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
            .withEnv("POSTGRES_DB", "test")
            .withExposedPorts(5432)
            .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2)
                .withStartupTimeout(Duration.ofMinutes(2)));
        postgres.start();
        yield "jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(5432)
            + "/test?user=postgres";
      }
      case MARIADB -> {
        GenericContainer<?> mariadb = new GenericContainer<>("mariadb:11")
            .withEnv("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
            .withEnv("MARIADB_DATABASE", "test")
            .withExposedPorts(3306)
            .waitingFor(Wait.forLogMessage(".*ready for connections.*", 2)
                .withStartupTimeout(Duration.ofMinutes(2)));
        mariadb.start();
        yield "jdbc:mariadb://" + mariadb.getHost() + ":" + mariadb.getMappedPort(3306)
            + "/test?user=root";
      }
      case REDIS -> {
        GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine")
            .withExposedPorts(6379)
            .waitingFor(Wait.forListeningPort());
        redis.start();
        yield "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
      }
      case MONGO -> {
        MongoDBContainer mongo = new MongoDBContainer("mongo:7.0");
        mongo.start();
        yield mongo.getReplicaSetUrl("test");
      }
    });
  }
}
