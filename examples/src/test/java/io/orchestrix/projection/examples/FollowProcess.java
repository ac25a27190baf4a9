package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  /**
   * Runs a command given {@code --hold-at STEP} in a child JVM, waits until it prints that it holds
   * at the step, runs {@code whileHeld}, then kills it with SIGKILL; returns what it printed, which
   * has no digest line (the command never finished).
   */
  static String killWhenHolding(Path output, String step, Duration deadline, Runnable whileHeld,
      String... args) throws InterruptedException {
    try (FollowProcess child = start(output, args)) {
      await().atMost(deadline).until(() -> child.output().contains("holding      at " + step)
          || !child.isAlive());
      assertThat(child.isAlive()).as(child.output()).isTrue();
      whileHeld.run();
      child.kill();
      assertThat(child.isAlive()).isFalse();
      assertThat(child.output()).as("killed before it printed the digest")
          .doesNotContain("digest       ");
      return child.output();
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
