package io.orchestrix.projection.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The examples' command line in a child JVM (the test classpath), its standard output and error in a
 * file; killed with SIGKILL by {@link #kill()}. Not thread-safe.
 */
final class FollowProcess implements AutoCloseable {

  private final Process process;
  private final Path output;

  private FollowProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code examples ARGS...} in a child JVM writing to {@code output}. */
  static FollowProcess start(Path output, String... args) {
    List<String> command = ChildJvm.command(List.of(args));
    try {
      return new FollowProcess(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** What it printed so far. */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits for the process to end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for the exit code, or returns null if it did not end in time. */
  Integer exitCode(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
