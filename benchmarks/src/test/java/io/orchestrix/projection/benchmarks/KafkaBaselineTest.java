package io.orchestrix.projection.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.examples.kafka.WorkloadAppender;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import io.orchestrix.projection.tck.TestServers;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Kafka baseline on the shared test broker and PostgreSQL: the records carry the fingerprinted
 * stream, and the loop builds the engine's read model and resumes from the offsets it stored. Small
 * N: these check correctness, not speed.
 */
class KafkaBaselineTest {

  private static final int EVENTS = 5_000;
  private static ReadModelDigest engineDigest;

  @BeforeAll
  static void referenceRun() {
    var engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), 1_000);
    WorkloadRunner.run(engine, StandardWorkload.of(EVENTS).toList(), 1_000, checkpoint -> { });
    engineDigest = ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));
  }

  @Test
  void theRecordsCarryTheStreamWhoseFingerprintWorkloadMdPublishes() {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    String topic = "workload-fingerprint-" + UUID.randomUUID();
    broker.createTopic(topic, 3);

    WorkloadAppender.Appended produced = WorkloadAppender.append(broker.bootstrapServers(), topic,
        OptionalInt.empty(), StandardWorkload.of(50_000));

    assertThat(Fingerprint.of(StandardWorkload.of(50_000)).hex()).isEqualTo("05e32c561e5f664e");
    assertThat(produced.sent()).isEqualTo(50_000);
  }

  @Test
  void theLoopBuildsTheEnginesReadModelAndAppliesNothingTwiceWhenRunAgain() {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    KafkaTestBroker broker = KafkaTestBroker.shared();
    String topic = "workload-loop-" + UUID.randomUUID();
    broker.createTopic(topic, 12);
    WorkloadAppender.append(broker.bootstrapServers(), topic, OptionalInt.empty(),
        StandardWorkload.of(EVENTS));

    try (KafkaJdbcLoopBaseline loop = new KafkaJdbcLoopBaseline(
        url, "bench_kafka_loop_test_", broker.bootstrapServers(), topic, 1_000)) {
      loop.reset();
      KafkaJdbcLoopBaseline.Run first = loop.run();
      assertThat(first.eventsApplied()).isEqualTo(EVENTS);
      assertThat(loop.digest()).isEqualTo(engineDigest);

      // a second consumer seeks to the stored offsets, which are the end: nothing is applied again
      KafkaJdbcLoopBaseline.Run second = loop.run();
      assertThat(second.eventsApplied()).isZero();
      assertThat(loop.digest()).isEqualTo(engineDigest);
    }
  }

  @Test
  void theFoldedReferenceDigestIsTheEnginesDigest() {
    assertThat(KafkaBaseline.referenceDigest(EVENTS)).isEqualTo(engineDigest);
  }

  @Test
  void theCommandExitsWithZeroWhenTheDigestMatches() {
    String url = TestServers.require(TestServers.Server.POSTGRES);

    int exitCode = new CommandLine(new KafkaBaseline()).execute("--events", "5000", "--runs", "1",
        "--bootstrap", KafkaTestBroker.shared().bootstrapServers(), "--jdbc-url", url,
        "--table-prefix", "bench_kafka_cmd_test_");

    assertThat(exitCode).isZero();
  }
}
