package io.orchestrix.projection.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.tck.TestServers.Server;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

@DisplayName("TestServers")
class TestServersTest {

  @Test
  @DisplayName("a server's URL comes from its environment variable, trimmed")
  void urlFromEnvironment() {
    Map<String, String> env = Map.of("PROJECTION_TEST_POSTGRES_URL", " jdbc:postgresql://db/test ");

    assertThat(TestServers.find(Server.POSTGRES, env)).contains("jdbc:postgresql://db/test");
    assertThat(TestServers.require(Server.POSTGRES, env)).isEqualTo("jdbc:postgresql://db/test");
    assertThat(TestServers.find(Server.MARIADB, env)).isEmpty();
  }

  @Test
  @DisplayName("outside CI a missing server aborts the test, naming the variable to set")
  void missingServerAbortsOutsideCi() {
    assertThatThrownBy(() -> TestServers.require(Server.REDIS, Map.of("PROJECTION_TEST_REDIS_URL", " ")))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("PROJECTION_TEST_REDIS_URL");
  }

  @Test
  @DisplayName("under CI=true a missing PostgreSQL, MariaDB or Redis fails loudly")
  void missingServerFailsUnderCi() {
    for (Server server : new Server[] {Server.POSTGRES, Server.MARIADB, Server.REDIS}) {
      assertThatThrownBy(() -> TestServers.require(server, Map.of("CI", "true")))
          .as(server.name())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(server.environmentVariable())
          .hasMessageContaining("CI=true");
    }
  }

  @Test
  @DisplayName("under CI=true a missing MongoDB still aborts: its module has an in-process stand-in")
  void mongoHasStandIn() {
    assertThatThrownBy(() -> TestServers.require(Server.MONGO, Map.of("CI", "TRUE")))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("PROJECTION_TEST_MONGO_URI");
  }

  @Test
  @DisplayName("CI is recognised only when the variable is true")
  void ciDetection() {
    assertThat(TestServers.isCi(Map.of("CI", "true"))).isTrue();
    assertThat(TestServers.isCi(Map.of("CI", "false"))).isFalse();
    assertThat(TestServers.isCi(Map.of())).isFalse();
  }

  @Test
  @DisplayName("Docker is detected from DOCKER_HOST")
  void dockerFromEnvironment() {
    assertThat(TestServers.dockerAvailable(Map.of("DOCKER_HOST", "tcp://localhost:2375"))).isTrue();
  }

  private static TestServers.Lookups lookups(String container, String local) {
    return new TestServers.Lookups() {
      @Override
      public java.util.Optional<String> container(Server server, Map<String, String> environment) {
        return java.util.Optional.ofNullable(container);
      }

      @Override
      public java.util.Optional<String> local(Server server) {
        return java.util.Optional.ofNullable(local);
      }
    };
  }

  @Test
  @DisplayName("resolution order: environment, then a container, then the local default port")
  void resolutionOrder() {
    Map<String, String> env = Map.of("PROJECTION_TEST_REDIS_URL", "redis://from-env");

    assertThat(TestServers.find(Server.REDIS, env, lookups("redis://container", "redis://local")))
        .contains("redis://from-env");
    assertThat(TestServers.find(Server.REDIS, Map.of(), lookups("redis://container", "redis://local")))
        .contains("redis://container");
    assertThat(TestServers.find(Server.REDIS, Map.of(), lookups(null, "redis://local")))
        .contains("redis://local");
    assertThat(TestServers.require(Server.POSTGRES, Map.of("CI", "true"), lookups(null, "jdbc:local")))
        .isEqualTo("jdbc:local");
  }

  @Test
  @DisplayName("MongoDB never falls back to a local port: its in-process stand-in comes first")
  void mongoSkipsLocalPort() {
    assertThat(TestServers.find(Server.MONGO, Map.of(), lookups(null, "mongodb://local"))).isEmpty();
    assertThat(TestServers.find(Server.MONGO, Map.of(), lookups("mongodb://container/?replicaSet=rs0", null)))
        .contains("mongodb://container/?replicaSet=rs0");
  }

  @Test
  @DisplayName("a closed local port does not answer")
  void closedPortDoesNotAnswer() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
      assertThat(TestServers.answers("127.0.0.1", port)).isTrue();
    }
    assertThat(TestServers.answers("127.0.0.1", port)).isFalse();
  }
}
