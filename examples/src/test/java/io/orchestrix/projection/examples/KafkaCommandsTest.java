package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.kafka.WorkloadLayout;
import io.orchestrix.projection.examples.kafka.WorkloadRecords;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * append, follow and bench over a Kafka topic, on the shared test broker (one per JVM) and H2 files:
 * the digest of what they build equals the in-memory bench's, appends complete and refuse, and the
 * options name their conflicts.
 */
class KafkaCommandsTest {

  private static final int EVENTS = 5_000;
  private static String bootstrap;
  private static String memoryDigest;

  @TempDir
  Path directory;

  @BeforeAll
  static void brokerAndReference() {
    bootstrap = KafkaTestBroker.shared().bootstrapServers();
    CliRun run = CliRun.of("bench", "--store", "memory:", "--events", String.valueOf(EVENTS));
    assertThat(run.exitCode()).as(run.output()).isZero();
    memoryDigest = digestLine(run);
  }

  @Test
  void appendCreatesTheTopicWritesEachPartitionsShareAndAppendsNothingWhenRunAgain() {
    String topic = topic("append");
    WorkloadLayout layout = WorkloadLayout.of(StandardWorkload.of(EVENTS), 4);

    CliRun first = append(topic, "--topic-partitions", "4");
    CliRun second = append(topic);

    assertThat(first.exitCode()).as(first.output() + first.errors()).isZero();
    assertThat(first.output()).contains("4 partitions, created")
        .contains("appended     5,000 events after the 0 the topic held")
        .contains("end offsets  " + layout.endOffset(0) + " " + layout.endOffset(1) + " "
            + layout.endOffset(2) + " " + layout.endOffset(3));
    assertThat(second.exitCode()).as(second.output() + second.errors()).isZero();
    assertThat(second.output()).contains("appended     0 events after the 5,000 the topic held");
  }

  @Test
  void appendCompletesATopicThatHoldsAPrefixOfEachPartitionsShare() throws Exception {
    String topic = topic("complete");
    KafkaTestBroker.shared().createTopic(topic, 3);
    sendFirst(topic, 3, 700);

    CliRun run = append(topic, "--topic-partitions", "3");
    CliRun followed = follow(h2("complete"), topic, "--until", String.valueOf(EVENTS));

    assertThat(run.exitCode()).as(run.output() + run.errors()).isZero();
    assertThat(run.output()).contains("appended     4,300 events after the 700 the topic held");
    assertThat(followed.exitCode()).as(followed.output() + followed.errors()).isZero();
    assertThat(digestLine(followed)).isEqualTo(memoryDigest);
  }

  @Test
  void appendRefusesATopicHoldingAnotherWorkloadOrAnotherPartitionCount() {
    String topic = topic("other");
    assertThat(append(topic, "--topic-partitions", "2").exitCode()).isZero();

    CliRun shorter = CliRun.of("append", "--kafka", bootstrap, "--topic", topic, "--events", "1000");
    CliRun longer = CliRun.of("append", "--kafka", bootstrap, "--topic", topic, "--events", "10000");
    CliRun partitions = append(topic, "--topic-partitions", "3");
    CliRun missing = append(topic("missing"));

    assertThat(shorter.exitCode()).isEqualTo(2);
    assertThat(shorter.errors()).contains("more than the").contains("the workload of 1000 events");
    assertThat(longer.exitCode()).isEqualTo(2);
    assertThat(longer.errors()).contains("the topic holds another workload");
    assertThat(partitions.exitCode()).isEqualTo(2);
    assertThat(partitions.errors()).contains("has 2 partitions, not the 3 of --topic-partitions");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.errors()).contains("does not exist").contains("--topic-partitions K");
  }

  @Test
  void followUntilTheWorkloadBuildsTheDigestOfTheInMemoryBenchAndAgainAppliesNothing() {
    String topic = topic("follow");
    assertThat(append(topic, "--topic-partitions", "6").exitCode()).isZero();
    String store = h2("follow");

    CliRun first = follow(store, topic, "--until", String.valueOf(EVENTS));
    CliRun again = follow(store, topic, "--until", String.valueOf(EVENTS));

    assertThat(first.exitCode()).as(first.output() + first.errors()).isZero();
    assertThat(first.output()).contains("6 partitions, consumer group order-summary-bench")
        .contains("reached --until 5000");
    assertThat(digestLine(first)).isEqualTo(memoryDigest);
    assertThat(again.exitCode()).as(again.output() + again.errors()).isZero();
    assertThat(digestLine(again)).isEqualTo(memoryDigest);
  }

  @Test
  void benchOverKafkaBuildsTheSameDigestAndASecondRunProcessesNothing() {
    String topic = topic("bench");
    String store = h2("bench");

    CliRun first = bench(store, topic, "--topic-partitions", "4");
    CliRun second = bench(store, topic);

    assertThat(first.exitCode()).as(first.output() + first.errors()).isZero();
    assertThat(first.output()).contains("appended     5,000 events to topic " + topic)
        .containsPattern("processed    5,000 events in \\d+\\.\\d{3} s, batch size 1,000,"
            + " KafkaProjectionSource on 4 partitions: [\\d,]+ events/s")
        .contains("checkpoint   5,000");
    assertThat(digestLine(first)).isEqualTo(memoryDigest);
    assertThat(second.exitCode()).as(second.output() + second.errors()).isZero();
    assertThat(second.output()).contains("appended     0 events").contains("resumed from checkpoint 5,000")
        .contains("processed    0 events");
    assertThat(digestLine(second)).isEqualTo(memoryDigest);
  }

  @Test
  void theEventSourceIsExactlyOneOfSourceAndKafkaAndTheirOptionsDoNotMix() {
    String jdbc = "jdbc:h2:mem:unused";
    assertError(CliRun.of("append", "--source", jdbc, "--kafka", bootstrap, "--topic", "t"),
        "--source and --kafka are alternatives: give exactly one");
    assertError(CliRun.of("append", "--events", "5"), "an event source is required");
    assertError(CliRun.of("follow", "--store", "memory:"), "an event source is required");
    assertError(CliRun.of("follow", "--store", "memory:", "--kafka", bootstrap),
        "--kafka needs --topic T");
    assertError(CliRun.of("bench", "--kafka", bootstrap, "--topic", "no topic"),
        "--topic 'no topic' is not a valid Kafka topic name");
    assertError(CliRun.of("append", "--source", jdbc, "--topic-partitions", "3"),
        "--topic-partitions applies to --kafka only");
    assertError(CliRun.of("follow", "--store", "memory:", "--source", jdbc, "--topic", "t"),
        "--topic applies to --kafka only");
    assertError(CliRun.of("follow", "--store", "memory:", "--kafka", bootstrap, "--topic", "t",
        "--partitions", "4"), "--partitions applies to --source");
    assertError(CliRun.of("follow", "--store", "memory:", "--kafka", bootstrap, "--topic", "t",
        "-S", "table-prefix=x_"), "-S/--source-property applies to --source");
    assertError(CliRun.of("follow", "--store", "memory:", "--kafka", bootstrap, "--topic", "t",
        "--until", "12"), "--until with --kafka is the workload's event count");
    assertError(CliRun.of("follow", "--store", "memory:", "--kafka", bootstrap, "--topic", "t",
        "-K", "group.id=x"), "-K group.id is set by the Kafka source itself");
  }

  @Test
  void followOfAMissingTopicSaysHowToCreateIt() {
    CliRun run = follow("memory:", topic("absent"), "--until", "5");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errors()).contains("does not exist").contains("append --kafka");
  }

  private static void assertError(CliRun run, String message) {
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.errors()).contains(message);
  }

  /** Sends the first {@code count} records of the workload's shares, as an interrupted append would. */
  private static void sendFirst(String topic, int partitions, int count) throws Exception {
    // an embedded broker may answer NOT_LEADER just after a topic is created, and an idempotent
    // producer then stalls on its sequence numbers; one request in flight keeps the order instead
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000),
        new StringSerializer(), new ByteArraySerializer())) {
      List<Future<?>> acks = new ArrayList<>();
      int sent = 0;
      for (EventEnvelope<WorkloadEvent> envelope : StandardWorkload.of(EVENTS)) {
        if (sent++ == count) {
          break;
        }
        acks.add(producer.send(WorkloadRecords.record(topic, partitions, envelope,
            WorkloadRecords.encode(envelope.payload()))));
      }
      for (Future<?> ack : acks) {
        ack.get(150, TimeUnit.SECONDS);
      }
    }
  }

  private static CliRun append(String topic, String... more) {
    List<String> args = new ArrayList<>(List.of("append", "--kafka", bootstrap, "--topic", topic,
        "--events", String.valueOf(EVENTS)));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  private static CliRun follow(String store, String topic, String... more) {
    List<String> args = new ArrayList<>(List.of("follow", "--store", store, "--kafka", bootstrap,
        "--topic", topic));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  private static CliRun bench(String store, String topic, String... more) {
    List<String> args = new ArrayList<>(List.of("bench", "--store", store, "--kafka", bootstrap,
        "--topic", topic, "--events", String.valueOf(EVENTS)));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  private String h2(String name) {
    return "jdbc:h2:file:" + directory.resolve(name).toAbsolutePath();
  }

  private static String topic(String name) {
    return "workload-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String digestLine(CliRun run) {
    List<String> lines = run.output().lines().filter(l -> l.startsWith("digest")).toList();
    assertThat(lines).as("one digest line in:%n%s%s", run.output(), run.errors()).hasSize(1);
    return lines.get(0);
  }
}
