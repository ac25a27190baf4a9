package io.orchestrix.projection.kafka.testing.internal;

/**
 * One way of running a broker: external, in a container, in the test JVM or in a child JVM. Each
 * says which lifecycle operations it supports; the others throw {@link UnsupportedOperationException}
 * naming the runtime. Implementations are thread-safe.
 */
public interface BrokerRuntime extends AutoCloseable {

  /** The bootstrap servers, fixed for the runtime's life (a restart keeps the port). */
  String bootstrapServers();

  /** A short description for messages, such as {@code in-JVM KRaft node}. */
  String description();

  /** Whether the broker is up as far as this runtime knows (always true for an external one). */
  boolean isRunning();

  /** Shuts the broker down in order; returns when it is down. No-op if it is down. */
  default void stop() {
    throw unsupported("stopped");
  }

  /** Ends the broker abruptly, as a crash would (SIGKILL); returns when it is gone. */
  default void kill() {
    throw unsupported("killed");
  }

  /** Starts the stopped or killed broker again on the same port and log directory. */
  default void start() {
    throw unsupported("started again");
  }

  /** Stops the broker if this runtime started it and deletes what it owns. Idempotent. */
  @Override
  void close();

  private UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(
        "a " + description() + " cannot be " + what + " by a test; start a dedicated in-JVM or"
            + " child-process broker (KafkaTestBroker.inJvm() / childProcess()) for that");
  }
}
