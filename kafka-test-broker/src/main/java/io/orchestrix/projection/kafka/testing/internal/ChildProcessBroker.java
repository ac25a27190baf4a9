package io.orchestrix.projection.kafka.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A single-node KRaft broker in a child JVM ({@link ChildBrokerMain}: format the log directory with
 * Kafka's storage tool, then {@code kafka.Kafka}), on the test JVM's class path. It can be stopped in
 * order (SIGTERM, Kafka's controlled shutdown), killed (SIGKILL, as a crash) and started again on the
 * same port and log directory, so a test sees a broker that goes away and comes back with its data.
 *
 * <p>The child's output goes to {@code broker.log} in the node's directory, whose tail is part of
 * every start-up failure. The child ends itself when the test JVM's end closes its standard input,
 * even if the test JVM was killed, and a shutdown hook kills it when the test JVM exits normally.
 * Thread-safe: every operation is synchronized.
 */
public final class ChildProcessBroker implements BrokerRuntime {

  /** JVM options for a quick start: a small heap, the serial collector, C1 only. */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m",
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final int FIRST_START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private final KraftNode node;
  private final List<String> jvmOptions;
  private final Runnable cleanUp;
  private final Thread killAtExit = new Thread(this::killQuietly, "kafka-test-broker-exit");
  private @Nullable Process process;
  private boolean closed;

  private ChildProcessBroker(KraftNode node, List<String> jvmOptions, Runnable cleanUp) {
    this.node = node;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.cleanUp = cleanUp;
  }

  /**
   * Launches the child and waits until the broker answers; retries a first start whose ports were
   * taken on other ports.
   *
   * @param cleanUp runs once on {@link #close()}, after the child is gone (deletes the directory)
   * @throws IllegalStateException if the broker does not come up, with the end of its log
   */
  public static ChildProcessBroker start(KraftNode node, List<String> jvmOptions, Runnable cleanUp) {
    KraftNode candidate = node;
    for (int attempt = 1; ; attempt++) {
      ChildProcessBroker broker = new ChildProcessBroker(candidate, jvmOptions, cleanUp);
      try {
        broker.start();
        Runtime.getRuntime().addShutdownHook(broker.killAtExit);
        return broker;
      } catch (IllegalStateException e) {
        if (attempt >= FIRST_START_ATTEMPTS || !e.getMessage().contains("Address already in use")) {
          throw e;
        }
        candidate = candidate.onOtherPorts();
      }
    }
  }

  @Override
  public String bootstrapServers() {
    return node.bootstrapServers();
  }

  @Override
  public String description() {
    return "child-process KRaft node";
  }

  /** The child's output. */
  public Path logFile() {
    return node.directory().resolve("broker.log");
  }

  @Override
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the broker at " + bootstrapServers() + " is closed");
    }
    if (isRunning()) {
      return;
    }
    Process child = launch();
    process = child;
    try {
      Readiness.await(node, START_TIMEOUT, () -> child.isAlive() ? Optional.empty()
          : Optional.of("the child JVM exited with " + child.exitValue() + "; the end of "
              + logFile() + ":" + System.lineSeparator() + Directories.tail(logFile(), LOG_TAIL_LINES)));
    } catch (RuntimeException e) {
      destroy(child, true);
      process = null;
      throw e;
    }
  }

  @Override
  public synchronized void stop() {
    if (process != null) {
      destroy(process, false);
      process = null;
    }
  }

  @Override
  public synchronized void kill() {
    if (process != null) {
      destroy(process, true);
      process = null;
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        kill();
        removeExitHook();
      } finally {
        cleanUp.run();
      }
    }
  }

  private Process launch() {
    Path properties = node.writePropertiesFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChildBrokerMain.class.getName());
    command.add(properties.toString());
    command.add(node.clusterId());
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a child JVM for the broker: " + command, e);
    }
  }

  /** SIGKILL if {@code forcibly}, else SIGTERM and a SIGKILL if it is not gone in time. */
  private static void destroy(Process child, boolean forcibly) {
    if (forcibly) {
      child.destroyForcibly();
    } else {
      child.destroy();
    }
    try {
      if (!child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        child.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the broker's child JVM", e);
    }
  }

  private void killQuietly() {
    Process child = process;
    if (child != null) {
      child.destroyForcibly();
    }
  }

  private void removeExitHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(killAtExit);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting: the hook kills the child anyway
    }
  }
}
