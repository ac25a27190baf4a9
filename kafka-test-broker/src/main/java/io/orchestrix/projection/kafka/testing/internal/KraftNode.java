package io.orchestrix.projection.kafka.testing.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The configuration of one single-node KRaft cluster (broker and controller in one process) on the
 * loopback interface: its directory, its two ports, its cluster id and its {@code server.properties}.
 * The same node can be started in the test JVM or in a child JVM, and started again on the same ports
 * and log directory, so the data survives a stop or a kill.
 *
 * <p>The defaults make a small, fast test broker: one partition and one replica for every internal
 * topic (a 50-partition {@code __consumer_offsets} would cost seconds at start-up), no initial
 * rebalance delay for consumer groups, short heartbeats for the {@code consumer} group protocol, few
 * threads, a small cleaner buffer and no automatic topic creation (a test names the topics it
 * needs). Immutable and thread-safe.
 *
 * @param directory the node's own directory; its log directory is {@code directory/data}
 * @param brokerPort the port of the {@code PLAINTEXT} listener clients connect to
 * @param controllerPort the port of the {@code CONTROLLER} listener
 * @param clusterId the cluster id the log directory is formatted with
 * @param overrides broker properties that replace or add to the defaults
 */
public record KraftNode(Path directory, int brokerPort, int controllerPort, String clusterId,
    Map<String, String> overrides) {

  /** The loopback address every listener binds to and advertises. */
  public static final String HOST = "127.0.0.1";

  public KraftNode {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(clusterId, "clusterId");
    overrides = Map.copyOf(overrides);
  }

  /** A new node in {@code directory} on free ports, with a new cluster id. */
  public static KraftNode create(Path directory, Map<String, String> overrides) {
    int[] ports = Ports.freePorts(2);
    return new KraftNode(directory, ports[0], ports[1], Uuid.randomUuid().toString(), overrides);
  }

  /** The same node on other ports, for a first start whose ports another process took meanwhile. */
  public KraftNode onOtherPorts() {
    int[] ports = Ports.freePorts(2);
    return new KraftNode(directory, ports[0], ports[1], clusterId, overrides);
  }

  /** {@code 127.0.0.1:brokerPort}. */
  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  /** The log directory, which also holds the cluster metadata log. */
  public Path logDirectory() {
    return directory.resolve("data");
  }

  /** Where {@link #writePropertiesFile()} writes the configuration. */
  public Path propertiesFile() {
    return directory.resolve("server.properties");
  }

  /** The broker configuration: the defaults with the overrides applied. */
  public Properties serverProperties() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("process.roles", "broker,controller");
    settings.put("node.id", "1");
    settings.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    settings.put("listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    settings.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    settings.put("controller.listener.names", "CONTROLLER");
    settings.put("inter.broker.listener.name", "PLAINTEXT");
    settings.put("log.dirs", logDirectory().toString());
    settings.put("auto.create.topics.enable", "false");
    settings.put("num.partitions", "1");
    settings.put("default.replication.factor", "1");
    settings.put("min.insync.replicas", "1");
    settings.put("offsets.topic.replication.factor", "1");
    settings.put("offsets.topic.num.partitions", "1");
    settings.put("transaction.state.log.replication.factor", "1");
    settings.put("transaction.state.log.min.isr", "1");
    settings.put("transaction.state.log.num.partitions", "1");
    settings.put("share.coordinator.state.topic.replication.factor", "1");
    settings.put("share.coordinator.state.topic.min.isr", "1");
    settings.put("share.coordinator.state.topic.num.partitions", "1");
    settings.put("group.initial.rebalance.delay.ms", "0");
    settings.put("group.consumer.min.heartbeat.interval.ms", "100");
    settings.put("group.consumer.heartbeat.interval.ms", "500");
    settings.put("group.consumer.min.session.timeout.ms", "2000");
    settings.put("group.consumer.session.timeout.ms", "10000");
    // a broker killed and started again registers anew; the controller refuses that until the old
    // registration's session expires (9 s by default), so a restart after a kill waits this long
    settings.put("broker.heartbeat.interval.ms", "500");
    settings.put("broker.session.timeout.ms", "3000");
    settings.put("num.network.threads", "2");
    settings.put("num.io.threads", "2");
    settings.put("background.threads", "2");
    settings.put("num.recovery.threads.per.data.dir", "1");
    settings.put("num.replica.fetchers", "1");
    settings.put("log.cleaner.threads", "1");
    settings.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    settings.putAll(overrides);
    Properties properties = new Properties();
    properties.putAll(settings);
    return properties;
  }

  /** Creates the directory and writes {@link #serverProperties()} to {@link #propertiesFile()}. */
  public Path writePropertiesFile() {
    try {
      Files.createDirectories(directory);
      try (OutputStream out = Files.newOutputStream(propertiesFile())) {
        serverProperties().store(out, "single-node KRaft test broker");
      }
      return propertiesFile();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + propertiesFile(), e);
    }
  }

  /**
   * Formats the log directory with the cluster id through Kafka's storage tool, unless it is
   * formatted already (a restart keeps the data). Runs in the calling JVM.
   *
   * @param log where the tool's messages go
   * @throws IllegalStateException if the tool fails, with its output
   */
  public static void format(Path propertiesFile, String clusterId, PrintStream log) {
    ByteArrayOutput output = new ByteArrayOutput();
    try (PrintStream tool = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      int status = kafka.tools.StorageTool.execute(new String[] {"format", "--cluster-id", clusterId,
          "--config", propertiesFile.toString(), "--ignore-formatted"}, tool);
      log.print(output.text());
      if (status != 0) {
        throw new IllegalStateException(
            "kafka-storage format exited with " + status + ": " + output.text());
      }
    }
  }

  /** Collects the storage tool's output for an error message. */
  private static final class ByteArrayOutput extends java.io.ByteArrayOutputStream {
    String text() {
      return toString(StandardCharsets.UTF_8);
    }
  }
}
