package io.orchestrix.projection.kafka.testing;

import io.orchestrix.projection.kafka.testing.internal.BrokerRuntime;
import io.orchestrix.projection.kafka.testing.internal.ContainerBroker;
import io.orchestrix.projection.kafka.testing.internal.DockerProbe;
import io.orchestrix.projection.kafka.testing.internal.ExternalBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.jspecify.annotations.Nullable;

/**
 * A real Kafka broker for tests, found or started in this order by {@link #shared()} and
 * {@link #resolve(Map)}:
 *
 * <ol>
 *   <li>the environment variable {@value #BOOTSTRAP_VARIABLE}, holding bootstrap servers
 *       ({@code host:port[,host:port...]}) of a broker that runs elsewhere ({@link Kind#EXTERNAL});
 *   <li>Testcontainers, if it is on the class path (an optional dependency) and a Docker daemon
 *       answers: an {@code apache/kafka} container ({@link Kind#CONTAINER});
 *   <li>an embedded single-node KRaft broker (broker and controller in one node) in the test JVM
 *       ({@link Kind#IN_JVM}).
 * </ol>
 *
 * <p>Tests that stop, kill or restart a broker start a dedicated embedded one instead:
 * {@link #inJvm()} (fastest; can be stopped and restarted) or {@link #childProcess()} (a child JVM
 * running {@code kafka.Kafka}; can also be killed with SIGKILL). A restart keeps the port and the
 * log directory, so clients reconnect to the same address and find the data they wrote. Embedded
 * brokers listen on {@code 127.0.0.1} only, on free ports, with settings that keep tests fast: one
 * partition and one replica for internal topics, {@code group.initial.rebalance.delay.ms=0}, short
 * heartbeats for the {@code consumer} group protocol, and no automatic topic creation (use
 * {@link #createTopic}). Their log directories are temporary and deleted on {@link #close()}.
 *
 * <p>The broker logs through SLF4J; in the test JVM the test's SLF4J binding decides what is shown
 * (this module's tests use {@code slf4j-simple} at WARN), and a child JVM logs at WARN into
 * {@code broker.log} in its directory.
 *
 * <p>Thread-safe: lifecycle operations and {@link #createTopic} are serialised per broker;
 * {@link #bootstrapServers()} never changes.
 */
public final class KafkaTestBroker implements AutoCloseable {

  /** The environment variable that names an external broker's bootstrap servers. */
  public static final String BOOTSTRAP_VARIABLE = "PROJECTION_TEST_KAFKA_BOOTSTRAP";

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static @Nullable KafkaTestBroker shared;

  /** How a broker runs. */
  public enum Kind {
    /** Named by {@value #BOOTSTRAP_VARIABLE}; never stopped by tests. */
    EXTERNAL,
    /** A Testcontainers container; cannot be stopped and restarted on the same port. */
    CONTAINER,
    /** A KRaft node in the test JVM; can be stopped and restarted, not killed. */
    IN_JVM,
    /** A KRaft node in a child JVM; can be stopped, killed and restarted. */
    CHILD_PROCESS
  }

  private final BrokerRuntime runtime;
  private final Kind kind;
  private final boolean isShared;
  private Duration startupTime;
  private @Nullable Admin admin;

  KafkaTestBroker(BrokerRuntime runtime, Kind kind, boolean isShared, Duration startupTime) {
    this.runtime = runtime;
    this.kind = kind;
    this.isShared = isShared;
    this.startupTime = startupTime;
  }

  /**
   * The broker every test of this JVM shares, found or started on first use as the class comment
   * says, and closed when the JVM exits. Tests that share it use topic and group names of their own.
   * Its {@link #close()} does nothing, and {@link #stop()}, {@link #kill()} and {@link #restart()}
   * refuse, since other tests use it.
   *
   * @return the shared broker, running
   * @throws IllegalStateException if no broker can be found or started
   */
  public static synchronized KafkaTestBroker shared() {
    if (shared == null) {
      KafkaTestBroker resolved = resolve(System.getenv(), true);
      Runtime.getRuntime().addShutdownHook(
          new Thread(resolved::closeRuntime, "kafka-test-broker-shared-exit"));
      shared = resolved;
    }
    return shared;
  }

  /**
   * A broker found or started as the class comment says, from this environment, for the caller
   * alone (unless it is the external one). The caller closes it.
   *
   * @param environment the variables to read, usually {@link System#getenv()}
   * @return the broker, running
   * @throws IllegalStateException if no broker can be found or started
   */
  public static KafkaTestBroker resolve(Map<String, String> environment) {
    return resolve(environment, false);
  }

  private static KafkaTestBroker resolve(Map<String, String> environment, boolean isShared) {
    String bootstrap = environment.get(BOOTSTRAP_VARIABLE);
    if (bootstrap != null && !bootstrap.isBlank()) {
      return new KafkaTestBroker(new ExternalBroker(bootstrap.trim(), BOOTSTRAP_VARIABLE),
          Kind.EXTERNAL, isShared, Duration.ZERO);
    }
    if (DockerProbe.available(Optional.ofNullable(environment.get("DOCKER_HOST")))) {
      return timed(ContainerBroker::launch, Kind.CONTAINER, isShared);
    }
    return new EmbeddedKafka(Kind.IN_JVM, isShared).start();
  }

  /**
   * A builder of a dedicated broker in the test JVM.
   *
   * @return a builder; call {@link EmbeddedKafka#start()} to start the broker
   */
  public static EmbeddedKafka inJvm() {
    return new EmbeddedKafka(Kind.IN_JVM, false);
  }

  /**
   * A builder of a dedicated broker in a child JVM.
   *
   * @return a builder; call {@link EmbeddedKafka#start()} to start the broker
   */
  public static EmbeddedKafka childProcess() {
    return new EmbeddedKafka(Kind.CHILD_PROCESS, false);
  }

  static KafkaTestBroker timed(Supplier<BrokerRuntime> start, Kind kind, boolean isShared) {
    long started = System.nanoTime();
    BrokerRuntime runtime = start.get();
    return new KafkaTestBroker(runtime, kind, isShared, Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * {@return {@code host:port[,host:port...]}, for {@code bootstrap.servers}; fixed for the
   * broker's life}
   */
  public String bootstrapServers() {
    return runtime.bootstrapServers();
  }

  /** {@return how this broker runs} */
  public Kind kind() {
    return kind;
  }

  /** {@return whether this is the broker of {@link #shared()}} */
  public boolean isShared() {
    return isShared;
  }

  /**
   * How long the last start took, until the broker answered a metadata request; zero for an
   * external broker.
   *
   * @return the start-up time, or zero for an external broker
   */
  public synchronized Duration startupTime() {
    return startupTime;
  }

  /** {@return whether the broker is up, as far as this object knows (an external one always is)} */
  public boolean isRunning() {
    return runtime.isRunning();
  }

  /**
   * Creates a topic and returns once every partition has a leader, so the next produce or fetch
   * finds it. The replication factor is the broker's default (1 on an embedded broker).
   *
   * @param name the topic's name, not blank
   * @param partitions how many partitions, at least 1
   * @throws IllegalArgumentException if the name is blank or {@code partitions} is not positive
   * @throws IllegalStateException if the broker refuses (for example, the topic exists) or does not
   *     answer within 60 s
   */
  public synchronized void createTopic(String name, int partitions) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be positive but was " + partitions);
    }
    Admin client = admin();
    NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty());
    await(() -> client.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
        "create topic " + name);
    Topics.awaitLeaders(client, name, partitions, ADMIN_TIMEOUT);
  }

  /**
   * Shuts the broker down in order (a child JVM gets SIGTERM) and returns when it is down. No-op if
   * it is down.
   *
   * @throws IllegalStateException if this is the shared broker
   * @throws UnsupportedOperationException if this broker is external or a container
   */
  public synchronized void stop() {
    refuseIfShared("stopped");
    runtime.stop();
  }

  /**
   * Kills the broker's JVM with SIGKILL, as a crash would, and returns when it is gone. What the
   * broker had acknowledged is in its log directory (written to the page cache; the machine did not
   * crash). No-op if it is down.
   *
   * @throws IllegalStateException if this is the shared broker
   * @throws UnsupportedOperationException unless this is a {@link Kind#CHILD_PROCESS} broker
   */
  public synchronized void kill() {
    refuseIfShared("killed");
    runtime.kill();
  }

  /**
   * Stops the broker if it runs, then starts it again on the same port and log directory, and
   * returns once it answers. After {@link #stop()} or {@link #kill()} this is the way back.
   *
   * @throws IllegalStateException if this is the shared broker, or the broker does not come back
   * @throws UnsupportedOperationException if this broker is external or a container
   */
  public synchronized void restart() {
    refuseIfShared("restarted");
    runtime.stop();
    long started = System.nanoTime();
    runtime.start();
    startupTime = Duration.ofNanos(System.nanoTime() - started);
  }

  /**
   * Stops a broker this object started and deletes its data; the shared broker is closed when the
   * JVM exits instead, so this does nothing for it. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (!isShared) {
      closeRuntime();
    }
  }

  @Override
  public String toString() {
    return "KafkaTestBroker[" + kind + " " + bootstrapServers() + (isShared ? ", shared" : "") + "]";
  }

  private synchronized void closeRuntime() {
    try {
      if (admin != null) {
        admin.close(Duration.ZERO);
        admin = null;
      }
    } finally {
      runtime.close();
    }
  }

  private Admin admin() {
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
          AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
          AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200));
    }
    return admin;
  }

  private void refuseIfShared(String what) {
    if (isShared) {
      throw new IllegalStateException("the shared broker serves every test of this JVM and cannot be "
          + what + "; start a dedicated one with KafkaTestBroker.inJvm() or childProcess()");
    }
  }

  /** A blocking admin call whose failures become one unchecked exception naming what was asked. */
  interface AdminCall {
    void run() throws InterruptedException, ExecutionException, TimeoutException;
  }

  static void await(AdminCall call, String what) {
    try {
      call.run();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot " + what + ": no answer in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }
}
