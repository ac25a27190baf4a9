package io.orchestrix.projection.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchNode} in a child JVM of the same class path: its output (stdout and stderr merged)
 * goes to the parent's, each line prefixed with the node's name, and the lines {@code owned K ...}
 * and {@code reached-epoch-ms T} are remembered. Thread-safe for the parent's use.
 */
final class BenchChild {

  private final String node;
  private final Process process;
  private final Writer input;
  private volatile int owned;
  private volatile long reachedMillis;

  private BenchChild(String node, Process process) {
    this.node = node;
    this.process = process;
    this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /** Starts a node with the given JVM options and {@link BenchNode} arguments. */
  static BenchChild start(String node, List<String> jvmOptions, List<String> args, PrintStream out) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchNode.class.getName());
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BenchChild child = new BenchChild(node, process);
      Thread reader = new Thread(() -> child.read(out), "output-" + node);
      reader.setDaemon(true);
      reader.start();
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("starting node " + node + " failed", e);
    }
  }

  private void read(PrintStream out) {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.println("  [" + node + "] " + line);
        if (line.startsWith("owned ")) {
          owned = Integer.parseInt(line.split(" ")[1]);
        } else if (line.startsWith("reached-epoch-ms ")) {
          reachedMillis = Long.parseLong(line.substring("reached-epoch-ms ".length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      out.println("  [" + node + "] output ended: " + e);
    }
  }

  /** Partitions the node last said it owns. */
  int owned() {
    return owned;
  }

  /** When the node saw every partition reach its target, or 0. */
  long reachedMillis() {
    return reachedMillis;
  }

  /** Sends one line to the node's standard input. */
  synchronized void send(String line) {
    try {
      input.write(line + "\n");
      input.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to node " + node + " failed", e);
    }
  }

  /** Waits for the node to exit; kills it if it has not after the timeout. */
  void awaitExit(long millis) throws InterruptedException {
    if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
      kill();
      throw new IllegalStateException("node " + node + " did not exit within " + millis + " ms");
    }
  }

  /** SIGKILL (on Unix), and waits until the process is gone. Idempotent. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
