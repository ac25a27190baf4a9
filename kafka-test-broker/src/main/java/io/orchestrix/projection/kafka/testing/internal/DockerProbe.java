package io.orchestrix.projection.kafka.testing.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a broker can be started with Testcontainers. Refers to no Testcontainers type itself, so
 * it loads whether or not the optional dependency is on the class path. Stateless and thread-safe.
 */
public final class DockerProbe {

  private static final String DOCKER_CLIENT_FACTORY = "org.testcontainers.DockerClientFactory";

  private DockerProbe() {}

  /**
   * Whether a Docker daemon seems reachable ({@code DOCKER_HOST} set, or the default socket
   * present), Testcontainers is on the class path, and Testcontainers then finds the daemon. The
   * cheap checks come first, so without Docker this costs a file lookup.
   */
  public static boolean available(Optional<String> dockerHost) {
    if (dockerHost.filter(host -> !host.isBlank()).isEmpty()
        && !Files.exists(Path.of("/var/run/docker.sock"))) {
      return false;
    }
    try {
      Class.forName(DOCKER_CLIENT_FACTORY, false, DockerProbe.class.getClassLoader());
    } catch (ClassNotFoundException absent) {
      return false;
    }
    return Testcontainers.dockerAnswers();
  }

  /** Loaded only once the class is known to be there. */
  private static final class Testcontainers {
    static boolean dockerAnswers() {
      return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    }
  }
}
