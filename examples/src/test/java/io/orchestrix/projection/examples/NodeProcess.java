package io.orchestrix.projection.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The examples' command line in a child JVM (the test JVM's {@code java} and class path), with every
 * line it prints kept with the time it arrived. Thread-safe. {@link #close()} kills the child if it
 * still runs, so a failed test leaves no process behind.
 */
final class NodeProcess implements AutoCloseable {

  /** One line the child printed, and when this JVM read it. */
  record Line(Instant at, String text) {}

  private final String name;
  private final Process process;
  private final Thread reader;
  /** Guarded by itself. */
  private final List<Line> lines = new ArrayList<>();

  private NodeProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.reader = new Thread(this::read, "output-of-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code ExamplesCli} with these arguments in a child JVM named {@code name} in messages. */
  static NodeProcess start(String name, List<String> arguments) {
    List<String> command = ChildJvm.command(arguments);
    try {
      return new NodeProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + name + ": " + command, e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGKILL, and waits for the process to be gone.
   *
   * @return the instant it was seen gone: on a loaded machine this thread may wait long enough
   *     between deciding to kill and the signal that the child still commits meanwhile
   */
  Instant kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " outlived SIGKILL by 30 s");
    }
    return Instant.now();
  }

  /**
   * SIGSTOP: the process is frozen, as by a long GC pause, until {@link #resume()}; returns once the
   * {@code kill} command has signalled it.
   */
  void suspend() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " (" + name + ") failed: "
          + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Waits for the child to end by itself and returns its exit code.
   *
   * @throws AssertionError naming the child and showing its output if it runs past the timeout
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + "; its output:\n" + output());
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** Every line printed so far. */
  List<Line> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Every line printed so far, as one text. */
  String output() {
    StringBuilder text = new StringBuilder();
    lines().forEach(line -> text.append(line.text()).append('\n'));
    return text.toString();
  }

  /** The lines read after the instant. */
  List<String> linesAfter(Instant instant) {
    return lines().stream().filter(line -> line.at().isAfter(instant)).map(Line::text).toList();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Line read = new Line(Instant.now(), line);
        synchronized (lines) {
          lines.add(read);
        }
      }
    } catch (IOException e) {
      synchronized (lines) {
        lines.add(new Line(Instant.now(), "(reading the output failed: " + e + ")"));
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
