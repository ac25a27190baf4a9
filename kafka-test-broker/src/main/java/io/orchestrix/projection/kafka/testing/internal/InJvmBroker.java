package io.orchestrix.projection.kafka.testing.internal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.jspecify.annotations.Nullable;

/**
 * A single-node KRaft broker running in the test JVM ({@code kafka.server.KafkaRaftServer}): the
 * fastest to start, since the JVM and its classes are warm. It can be stopped in order and started
 * again on the same port and data, but not killed: a test that needs a crash uses a
 * {@link ChildProcessBroker}. Starting one installs {@link ExitGuard}, so a fatal fault inside the
 * broker fails the broker, not the whole test JVM. Thread-safe: every operation is synchronized.
 */
public final class InJvmBroker implements BrokerRuntime {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int FIRST_START_ATTEMPTS = 3;

  private final KraftNode node;
  private final Runnable cleanUp;
  private @Nullable KafkaRaftServer server;
  private boolean closed;

  private InJvmBroker(KraftNode node, Runnable cleanUp) {
    this.node = node;
    this.cleanUp = cleanUp;
  }

  /**
   * Formats and starts a node; retries a first start whose ports were taken on other ports.
   *
   * @param cleanUp runs once on {@link #close()}, after the broker is down (deletes the directory)
   * @throws IllegalStateException if the broker does not come up
   */
  public static InJvmBroker start(KraftNode node, Runnable cleanUp) {
    ExitGuard.install();
    KraftNode candidate = node;
    for (int attempt = 1; ; attempt++) {
      InJvmBroker broker = new InJvmBroker(candidate, cleanUp);
      try {
        broker.start();
        return broker;
      } catch (RuntimeException e) {
        if (attempt >= FIRST_START_ATTEMPTS || !isBindFailure(e)) {
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
    return "in-JVM KRaft node";
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the broker at " + bootstrapServers() + " is closed");
    }
    if (server != null) {
      return;
    }
    try (PrintStream log = brokerLog()) {
      KraftNode.format(node.writePropertiesFile(), node.clusterId(), log);
    }
    KafkaRaftServer starting =
        new KafkaRaftServer(KafkaConfig.fromProps(node.serverProperties(), false), Time.SYSTEM);
    try {
      starting.startup();
      Readiness.await(node, START_TIMEOUT, Optional::empty);
    } catch (RuntimeException e) {
      shutDown(starting, e);
      throw e;
    }
    server = starting;
  }

  @Override
  public synchronized void stop() {
    KafkaRaftServer running = server;
    if (running != null) {
      server = null;
      running.shutdown();
      running.awaitShutdown();
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        stop();
      } finally {
        cleanUp.run();
      }
    }
  }

  private PrintStream brokerLog() {
    try {
      return new PrintStream(new FileOutputStream(node.directory().resolve("broker.log").toFile(),
          true), true, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the broker log in " + node.directory(), e);
    }
  }

  private static void shutDown(KafkaRaftServer failed, RuntimeException cause) {
    try {
      failed.shutdown();
      failed.awaitShutdown();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** Whether a start failed because a listener's port was taken. */
  static boolean isBindFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }
}
