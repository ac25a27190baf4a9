package io.orchestrix.projection.kafka.testing;

import io.orchestrix.projection.kafka.testing.KafkaTestBroker.Kind;
import io.orchestrix.projection.kafka.testing.internal.BrokerRuntime;
import io.orchestrix.projection.kafka.testing.internal.ChildProcessBroker;
import io.orchestrix.projection.kafka.testing.internal.Directories;
import io.orchestrix.projection.kafka.testing.internal.InJvmBroker;
import io.orchestrix.projection.kafka.testing.internal.KraftNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a dedicated embedded broker: {@link KafkaTestBroker#inJvm()} or
 * {@link KafkaTestBroker#childProcess()}, then optional settings, then {@link #start()}. Each
 * setter checks its argument at once. Not thread-safe; use one builder from one thread.
 */
public final class EmbeddedKafka {

  private final Kind kind;
  private final boolean isShared;
  private final Map<String, String> brokerProperties = new LinkedHashMap<>();
  private List<String> jvmOptions = ChildProcessBroker.DEFAULT_JVM_OPTIONS;

  EmbeddedKafka(Kind kind, boolean isShared) {
    this.kind = kind;
    this.isShared = isShared;
  }

  /**
   * Sets a broker property ({@code server.properties} key), replacing the test default of that key;
   * the listeners, ports and directories are the builder's own and cannot be set.
   *
   * @param key the property's key, not blank
   * @param value its value; not null
   * @return this builder
   * @throws IllegalArgumentException if the key is blank or one of the builder's own
   */
  public EmbeddedKafka brokerProperty(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (key.isBlank() || List.of("listeners", "advertised.listeners", "controller.quorum.voters",
        "log.dirs", "log.dir", "node.id", "process.roles").contains(key)) {
      throw new IllegalArgumentException("brokerProperty: " + key + " cannot be set; the builder"
          + " chooses listeners, ports, node id and directories itself");
    }
    brokerProperties.put(key, value);
    return this;
  }

  /**
   * The options of the child JVM, replacing {@link ChildProcessBroker#DEFAULT_JVM_OPTIONS} (a small
   * heap and C1 only, for a quick start; a benchmark wants a full JIT and a larger heap).
   *
   * @param options the child JVM's options, each starting with {@code -}; not null
   * @return this builder
   * @throws IllegalStateException if the broker runs in the test JVM
   * @throws IllegalArgumentException if an option does not start with {@code -}
   */
  public EmbeddedKafka jvmOptions(List<String> options) {
    if (kind != Kind.CHILD_PROCESS) {
      throw new IllegalStateException("jvmOptions: only a child-process broker has JVM options of"
          + " its own; this one runs in the test JVM");
    }
    for (String option : options) {
      if (!option.startsWith("-")) {
        throw new IllegalArgumentException("jvmOptions: not a JVM option: " + option);
      }
    }
    jvmOptions = List.copyOf(options);
    return this;
  }

  /**
   * Formats a new temporary log directory, starts the broker on free ports and returns once it
   * answers a metadata request.
   *
   * @return the running broker; the caller closes it
   * @throws IllegalStateException if the broker does not come up (a child's failure includes the
   *     end of its log)
   */
  public KafkaTestBroker start() {
    Path directory = Directories.createTemporary();
    Runnable deleteDirectory = () -> Directories.deleteRecursively(directory);
    KraftNode node = KraftNode.create(directory, brokerProperties);
    try {
      return KafkaTestBroker.timed(() -> startRuntime(node, deleteDirectory), kind, isShared);
    } catch (RuntimeException e) {
      try {
        deleteDirectory.run();
      } catch (RuntimeException cleanUpFailure) {
        e.addSuppressed(cleanUpFailure);
      }
      throw e;
    }
  }

  private BrokerRuntime startRuntime(KraftNode node, Runnable deleteDirectory) {
    return kind == Kind.CHILD_PROCESS
        ? ChildProcessBroker.start(node, jvmOptions, deleteDirectory)
        : InJvmBroker.start(node, deleteDirectory);
  }
}
