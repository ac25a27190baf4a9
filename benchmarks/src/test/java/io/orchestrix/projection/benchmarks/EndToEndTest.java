package io.orchestrix.projection.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import io.orchestrix.projection.tck.TestServers;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * Each hand-written baseline builds exactly the engine's read model (same digest) on its server, so the
 * harness compares like with like. Small N: these check correctness, not speed.
 */
class EndToEndTest {

  private static final int EVENTS = 5_000;
  private static final int BATCH = 1_000;

  private static List<EventEnvelope<WorkloadEvent>> stream;
  private static ReadModelDigest reference;

  @BeforeAll
  static void referenceRun() {
    stream = StandardWorkload.of(EVENTS).toList();
    var engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), BATCH);
    WorkloadRunner.run(engine, stream, BATCH, checkpoint -> { });
    reference = ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));
  }

  @Test
  void theJdbcLoopBuildsTheEnginesReadModelOnPostgres() {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    assertBuildsTheReferenceReadModel(new JdbcLoopBaseline(url, "bench_loop_test_"));
    assertBuildsTheReferenceReadModel(
        new EngineContender(url, Map.of("table-prefix", "bench_test_"), BATCH, false));
    assertBuildsTheReferenceReadModel(
        new EngineContender(url, Map.of("table-prefix", "bench_test_"), BATCH, true));
  }

  @Test
  void theJedisLoopBuildsTheEnginesReadModelOnRedis() {
    String uri = TestServers.require(TestServers.Server.REDIS);
    // a prefix of its own per run, so that no data of an earlier run (or layout) is in the way
    String prefix = "bench-test-" + UUID.randomUUID() + ":";
    try {
      assertBuildsTheReferenceReadModel(new JedisLoopBaseline(uri, prefix + "loop:"));
      assertBuildsTheReferenceReadModel(
          new EngineContender(uri, Map.of("key-prefix", prefix), BATCH, false));
      assertBuildsTheReferenceReadModel(
          new EngineContender(uri, Map.of("key-prefix", prefix), BATCH, true));
    } finally {
      deleteKeys(uri, prefix);
    }
  }

  private static void deleteKeys(String uri, String prefix) {
    try (Jedis jedis = new Jedis(URI.create(uri))) {
      JedisLoopBaseline.unlinkKeys(jedis, prefix);
    }
  }

  @Test
  void theMongoBulkWriteLoopBuildsTheEnginesReadModelOnTheInProcessServer() {
    try (EmbeddedMongo mongo = new EmbeddedMongo()) {
      assertBuildsTheReferenceReadModel(new MongoBulkBaseline(mongo.uri()));
      assertBuildsTheReferenceReadModel(new EngineContender(mongo.uri(), Map.of(), BATCH, true));
    }
  }

  @Test
  void theHarnessExitsWithZeroWhenEveryDigestMatches() {
    int exitCode = new CommandLine(new EndToEnd()).execute(
        "--events", "5000", "--runs", "1", "--store", "memory:");

    assertThat(exitCode).isZero();
    assertThat(EndToEnd.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(EndToEnd.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
  }

  private static void assertBuildsTheReferenceReadModel(Contender contender) {
    try (contender) {
      contender.reset();
      WorkloadRunner.Result result = contender.run(stream, BATCH);
      assertThat(result.toCheckpoint()).as(contender.name()).isEqualTo(EVENTS);
      assertThat(contender.digest()).as(contender.name() + " digest").isEqualTo(reference);
      contender.reset();
      assertThat(contender.digest().documents()).as(contender.name() + " after reset").isZero();
    }
  }
}
