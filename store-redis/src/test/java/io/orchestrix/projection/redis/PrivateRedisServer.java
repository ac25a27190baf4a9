package io.orchestrix.projection.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.tck.TestServers;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A redis-server process of the test's own, on a free port, for what a shared server must not be put
 * through (TLS settings, a memory limit). Skipped without the program, except under {@code CI=true},
 * where that fails.
 */
final class PrivateRedisServer implements AutoCloseable {

  private final Process process;
  final int port;

  private PrivateRedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts redis-server with these extra arguments; {@code portArgument} is the option its port goes
   * to ({@code --port}, or {@code --tls-port} with {@code --port 0}).
   */
  static PrivateRedisServer start(Path directory, String portArgument, String... arguments)
      throws IOException {
    requireProgram("redis-server");
    int port = freePort();
    List<String> command = new ArrayList<>(List.of("redis-server", portArgument,
        Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", directory.toString()));
    command.addAll(Arrays.asList(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(directory.resolve("redis-" + port + ".log").toFile()).start();
    Awaitility.await("redis-server to listen on port " + port)
        .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
          } catch (IOException notYet) {
            assertThat(process.isAlive()).as("redis-server is running; see its log in %s",
                directory).isTrue();
            return false;
          }
        });
    return new PrivateRedisServer(process, port);
  }

  /** A port no process listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  /** Starts a plain redis-server with these extra arguments. */
  static PrivateRedisServer startPlain(Path directory, String... arguments) throws IOException {
    return start(directory, "--port", arguments);
  }

  /** The server's URL, database 0. */
  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** {@code host:port}, as the store's messages name the server. */
  String address() {
    return "127.0.0.1:" + port;
  }

  static void requireProgram(String program) {
    boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    if (!found && TestServers.isCi()) {
      throw new IllegalStateException(
          "CI=true but '" + program + "' is not installed; the Redis store's tests need it");
    }
    Assumptions.assumeTrue(found, "'" + program + "' is not installed, so this is not tested");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
