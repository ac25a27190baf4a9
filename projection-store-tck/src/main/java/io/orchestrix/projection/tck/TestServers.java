package io.orchestrix.projection.tck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the database servers that store tests run against, the same way on a developer's machine and
 * in CI.
 *
 * <p>Order of resolution for each {@link Server}:
 *
 * <ol>
 *   <li>the environment variable named by {@link Server#environmentVariable()}, holding a URL;
 *   <li>Testcontainers, if a Docker daemon answers and Testcontainers is on the test class path (the
 *       kit declares it optional: add {@code org.testcontainers:testcontainers}, and
 *       {@code testcontainers-mongodb} for MongoDB, to a store's test dependencies to use it): one
 *       container per server kind for the whole JVM (PostgreSQL, MariaDB, Redis, and MongoDB as a
 *       single-node replica set, so its transactions run), removed when the JVM ends;
 *   <li>an embedded server, where one exists: only the store module knows it (H2 in store-jdbc, the
 *       in-process server in store-mongo), so {@link #find} returns empty for MongoDB and the module
 *       falls back to it;
 *   <li>for PostgreSQL, MariaDB and Redis, which have no embedded stand-in: the server on its default
 *       local port, if one answers there ({@link Server#localUrl()}).
 * </ol>
 *
 * <p>When a test needs a server and none is found, {@link #require} aborts the test (JUnit reports it
 * skipped) with a message naming the variable to set, except when the environment variable {@code CI}
 * is {@code true}: then a missing server that has no embedded stand-in (PostgreSQL, MariaDB, Redis)
 * fails the test loudly, because CI must never pass by skipping.
 *
 * <p>Without Testcontainers on the class path every other way works as described; only
 * {@code ContainerServers}, loaded when a Docker daemon answers and Testcontainers is present, refers to
 * it. Stateless and thread-safe.
 */
public final class TestServers {

  /** The environment variable that CI sets to {@code true}. */
  public static final String CI_VARIABLE = "CI";

  /** The Testcontainers class every container but MongoDB's needs. */
  private static final String GENERIC_CONTAINER = "org.testcontainers.containers.GenericContainer";

  private TestServers() {}

  /** A server kind that store tests may need. */
  public enum Server {
    /** PostgreSQL, as a JDBC URL such as {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. */
    POSTGRES("PostgreSQL", "PROJECTION_TEST_POSTGRES_URL", false, 5432,
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres", GENERIC_CONTAINER),
    /** MariaDB, as a JDBC URL such as {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}. */
    MARIADB("MariaDB", "PROJECTION_TEST_MARIADB_URL", false, 3306,
        "jdbc:mariadb://127.0.0.1:3306/test?user=root", GENERIC_CONTAINER),
    /** Redis, as a URI such as {@code redis://127.0.0.1:6379}. */
    REDIS("Redis", "PROJECTION_TEST_REDIS_URL", false, 6379, "redis://127.0.0.1:6379",
        GENERIC_CONTAINER),
    /** MongoDB, as a URI such as {@code mongodb://127.0.0.1:27017/test}; an in-process stand-in exists. */
    MONGO("MongoDB", "PROJECTION_TEST_MONGO_URI", true, 0, "",
        "org.testcontainers.mongodb.MongoDBContainer");

    private final String displayName;
    private final String environmentVariable;
    private final boolean hasEmbeddedStandIn;
    private final int localPort;
    private final String localUrl;
    private final String containerClass;

    Server(String displayName, String environmentVariable, boolean hasEmbeddedStandIn,
        int localPort, String localUrl, String containerClass) {
      this.displayName = displayName;
      this.environmentVariable = environmentVariable;
      this.hasEmbeddedStandIn = hasEmbeddedStandIn;
      this.localPort = localPort;
      this.localUrl = localUrl;
      this.containerClass = containerClass;
    }

    /**
     * The URL of the server on its default local port, empty for MongoDB (its stand-in comes
     * first).
     *
     * @return the URL, or empty for MongoDB
     */
    public String localUrl() {
      return localUrl;
    }

    /** {@return the server's product name, for messages} */
    public String displayName() {
      return displayName;
    }

    /** {@return the environment variable that holds the server's URL} */
    public String environmentVariable() {
      return environmentVariable;
    }

    /**
     * {@return whether a store module can run its tests on an in-process stand-in when no server is
     * found}
     */
    public boolean hasEmbeddedStandIn() {
      return hasEmbeddedStandIn;
    }
  }

  /**
   * The URL of a server if one is configured, else empty (the caller may then use an embedded
   * stand-in).
   *
   * @param server the kind of server wanted
   * @return the server's URL, or empty if none is configured
   */
  public static Optional<String> find(Server server) {
    return find(server, System.getenv(), Lookups.REAL);
  }

  /**
   * The URL of a server; aborts the calling test if none is configured, or fails it under CI.
   *
   * @param server the kind of server wanted
   * @return the server's URL
   * @throws org.opentest4j.TestAbortedException if no server is found outside CI
   * @throws IllegalStateException if no server is found under CI and the server has no stand-in
   */
  public static String require(Server server) {
    return require(server, System.getenv(), Lookups.REAL);
  }

  /** {@return whether the environment says this is a CI run ({@code CI=true})} */
  public static boolean isCi() {
    return isCi(System.getenv());
  }

  /** Where a server may be found besides the environment; replaced in tests of this class. */
  interface Lookups {
    Lookups REAL = new Lookups() {
      @Override
      public Optional<String> container(Server server, Map<String, String> environment) {
        return dockerAvailable(environment) && testcontainersPresent(server)
            ? ContainerServers.url(server) : Optional.empty();
      }

      @Override
      public Optional<String> local(Server server) {
        return server.localPort == 0 || !answers("127.0.0.1", server.localPort)
            ? Optional.empty() : Optional.of(server.localUrl);
      }
    };
    Lookups NONE = new Lookups() {
      @Override
      public Optional<String> container(Server server, Map<String, String> environment) {
        return Optional.empty();
      }

      @Override
      public Optional<String> local(Server server) {
        return Optional.empty();
      }
    };

    Optional<String> container(Server server, Map<String, String> environment);

    Optional<String> local(Server server);
  }

  static Optional<String> find(Server server, Map<String, String> environment) {
    return find(server, environment, Lookups.NONE);
  }

  static Optional<String> find(Server server, Map<String, String> environment, Lookups lookups) {
    String url = environment.get(server.environmentVariable());
    if (url != null && !url.isBlank()) {
      return Optional.of(url.trim());
    }
    Optional<String> container = lookups.container(server, environment);
    if (container.isPresent()) {
      return container;
    }
    return server.hasEmbeddedStandIn() ? Optional.empty() : lookups.local(server);
  }

  static String require(Server server, Map<String, String> environment) {
    return require(server, environment, Lookups.NONE);
  }

  static String require(Server server, Map<String, String> environment, Lookups lookups) {
    Optional<String> url = find(server, environment, lookups);
    if (url.isPresent()) {
      return url.get();
    }
    String message = "no " + server.displayName() + " server for this test: set "
        + server.environmentVariable() + " to its URL"
        + (server.localPort == 0 ? "" : " or run one on 127.0.0.1:" + server.localPort)
        + dockerHint(server, environment);
    if (isCi(environment) && !server.hasEmbeddedStandIn()) {
      throw new IllegalStateException(
          "CI=true but " + message + "; CI must run every store test, so this is a failure");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable: Assumptions.abort returned");
  }

  static boolean isCi(Map<String, String> environment) {
    return "true".equals(environment.getOrDefault(CI_VARIABLE, "").trim().toLowerCase(Locale.ROOT));
  }

  private static String dockerHint(Server server, Map<String, String> environment) {
    if (!dockerAvailable(environment)) {
      return " (no Docker daemon was found, so Testcontainers cannot start one either)";
    }
    return testcontainersPresent(server)
        ? " (a Docker daemon answers: start the server with Testcontainers or docker run and export"
            + " the variable)"
        : " (a Docker daemon answers, but Testcontainers is not on the test class path: add"
            + " org.testcontainers:testcontainers" + (server == Server.MONGO ? " and testcontainers-mongodb" : "")
            + " as test dependencies to let the kit start one)";
  }

  /**
   * Whether the Testcontainers classes a container of the server needs are on the class path of this
   * kit, found without loading them.
   */
  static boolean testcontainersPresent(Server server) {
    ClassLoader loader = TestServers.class.getClassLoader();
    return loader.getResource(server.containerClass.replace('.', '/') + ".class") != null
        && loader.getResource("org/testcontainers/DockerClientFactory.class") != null;
  }

  /** Whether something accepts TCP connections on the address within half a second. */
  static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  /** Whether a Docker daemon seems reachable: {@code DOCKER_HOST} set or the default socket present. */
  static boolean dockerAvailable(Map<String, String> environment) {
    String dockerHost = environment.get("DOCKER_HOST");
    if (dockerHost != null && !dockerHost.isBlank()) {
      return true;
    }
    return Files.exists(Path.of("/var/run/docker.sock"));
  }
}
