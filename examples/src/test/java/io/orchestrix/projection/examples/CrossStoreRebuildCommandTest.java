package io.orchestrix.projection.examples;

import static io.orchestrix.projection.examples.GenerationsCommandTest.digestLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.core.StoreMigration;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.tck.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@code rebuild --into URI}: the standard workload's projection, followed into an H2 file, is moved
 * into Redis and into MongoDB without downtime. A deliberately changed handler is caught by the
 * comparison (queries stay on H2); an identical one switches with the reference digest; the target
 * resumes from its own checkpoint; a reader through the migration never
 * sees an empty model across the switch and the source being cleared.
 */
class CrossStoreRebuildCommandTest {

  private static final String N = "1000";

  private static String reference;

  @TempDir
  Path directory;

  private final List<String> redisPrefixes = new ArrayList<>();
  private MongoServer mongo;

  @BeforeAll
  static void referenceDigest() {
    CliRun bench = CliRun.of("bench", "--store", "memory:", "--events", N);
    assertThat(bench.exitCode()).as(bench.output()).isZero();
    reference = digestLine(bench.output());
  }

  private String followedH2() {
    String db = "jdbc:h2:file:" + directory.resolve("app").toAbsolutePath();
    assertThat(CliRun.of("append", "--source", db, "--events", N).exitCode()).isZero();
    CliRun follow = CliRun.of("follow", "--store", db, "--source", db, "--until", N);
    assertThat(follow.exitCode()).as(follow.output() + follow.errors()).isZero();
    return db;
  }

  private String redisPrefix() {
    String prefix = "xs" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + ":";
    redisPrefixes.add(prefix);
    return prefix;
  }

  @Test
  void fromH2IntoRedisAChangedHandlerIsCaughtAndAnIdenticalOneSwitches() {
    String redis = TestServers.require(TestServers.Server.REDIS);
    String db = followedH2();
    String wrong = redisPrefix();

    CliRun changed = CliRun.of("rebuild", "--store", db, "--source", db, "--into", redis,
        "-I", "key-prefix=" + wrong, "--verify", "--change-handler", "order-7");
    assertThat(changed.exitCode()).as(changed.output() + changed.errors()).isEqualTo(2);
    assertThat(changed.output())
        .contains("building     from the target's own checkpoint 0 up to the source store's"
            + " checkpoint 1,000")
        .contains("progress     1,000 / 1,000 (100%)")
        .contains("refused      1 of 200 documents differ at position [1000]; the first:")
        .contains("differs      order_summary_bench id order-7: source {")
        .contains("kept         queries stay on")
        .doesNotContain("switched");
    assertThat(changed.errors()).contains("switch of queries refused (DOCUMENTS_DIFFER)");
    assertThat(digestLine(CliRun.of("digest", "--store", db).output())).isEqualTo(reference);

    assertThat(CliRun.of("rebuild", "--store", db, "--source", db, "--into", db).errors())
        .contains("--into names the same store as --store");
    assertThat(CliRun.of("rebuild", "--store", db, "--source", db, "--into", redis, "-I",
        "key-prefix=" + wrong, "--max-lag", "-1").errors()).contains("--max-lag must not be negative");

    String right = redisPrefix();
    CliRun identical = CliRun.of("rebuild", "--store", db, "--source", db, "--into", redis,
        "-I", "key-prefix=" + right, "--verify", "--batch-size", "300");
    assertThat(identical.exitCode()).as(identical.output() + identical.errors()).isZero();
    assertThat(identical.output())
        .contains("progress     300 / 1,000 (30%)")
        .contains("built        1,000 events up to position 1,000")
        .contains("compared     200 documents at position [1000]: identical")
        .contains("switched     queries to redis://");
    assertThat(digestLine(identical.output())).isEqualTo(reference);

    assertThat(CliRun.of("status", "--store", redis, "-P", "key-prefix=" + right).output())
        .contains("checkpoint   1,000")
        .containsPattern("moved here   queries switched to this store at \\S+ from jdbc:h2:file:.*,"
            + " checkpoint \\[1000\\]");
    assertThat(CliRun.of("status", "--store", db).output()).doesNotContain("moved here");
    CliRun again = CliRun.of("rebuild", "--store", db, "--source", db, "--into", redis,
        "-I", "key-prefix=" + right, "--verify");
    assertThat(again.exitCode()).as(again.output() + again.errors()).isZero();
    assertThat(again.output()).contains("from the target's own checkpoint 1,000")
        .contains("switched     already");
  }

  @Test
  void fromH2IntoMongoResumingFromTheTargetsOwnCheckpoint() {
    mongo = new MongoServer(new MemoryBackend());
    String uri = "mongodb://127.0.0.1:" + mongo.bind().getPort() + "/moved";
    String db = followedH2();
    try (ProjectionStore target = ProjectionStoreProviders.open(uri, Map.of());
        JdbcEventStore events = WorkloadEventStore.open(db, Map.of())) {
      WorkloadProjection.engine(target, 400).processEvents(events.read(0, 400));
    }

    CliRun changed = CliRun.of("rebuild", "--store", db, "--source", db, "--into", uri,
        "--verify", "--change-handler", "order-199");
    assertThat(changed.exitCode()).as(changed.output()).isEqualTo(2);
    assertThat(changed.output()).contains("from the target's own checkpoint 400")
        .contains("differs      order_summary_bench id order-199");

    CliRun mongoDigestBefore = CliRun.of("digest", "--store", uri);
    assertThat(digestLine(mongoDigestBefore.output())).isNotEqualTo(reference);
    assertThat(CliRun.of("reset", "--store", uri, "--yes").exitCode()).isZero();
    CliRun moved = CliRun.of("rebuild", "--store", db, "--source", db, "--into", uri, "--verify");
    assertThat(moved.exitCode()).as(moved.output() + moved.errors()).isZero();
    assertThat(moved.output()).contains("from the target's own checkpoint 0")
        .contains("compared     200 documents at position [1000]: identical")
        .contains("switched     queries to mongodb://");
    assertThat(digestLine(moved.output())).isEqualTo(reference);
    assertThat(digestLine(CliRun.of("digest", "--store", uri).output())).isEqualTo(reference);
  }

  @Test
  void aReaderNeverSeesAnEmptyModelAcrossTheSwitchFromH2ToRedis() throws Exception {
    String redis = TestServers.require(TestServers.Server.REDIS);
    String db = followedH2();
    try (ProjectionStore h2 = ProjectionStoreProviders.open(db, Map.of());
        ProjectionStore target = ProjectionStoreProviders.open(redis,
            Map.of("key-prefix", redisPrefix()));
        JdbcEventStore events = WorkloadEventStore.open(db, Map.of())) {
      ProjectionEngine source = WorkloadProjection.engine(h2, 500);
      ProjectionEngine built = WorkloadProjection.engine(target, 500);
      for (long position = 0; position < 1000; ) {
        var page = events.read(position, 500);
        built.processEvents(page);
        position = page.get(page.size() - 1).position();
      }
      StoreMigration switching = new StoreMigration(new StoreMigration.Side(h2, source),
          new StoreMigration.Side(target, built), List.of(OrderSummaryDocument.READ_MODEL),
          Duration.ofHours(1));
      ReadModelView<OrderSummaryDocument> view = new StoreMigration(
          new StoreMigration.Side(h2, WorkloadProjection.engine(h2, 500)),
          new StoreMigration.Side(target, WorkloadProjection.engine(target, 500)),
          List.of(OrderSummaryDocument.READ_MODEL), Duration.ofHours(1))
          .readModel(OrderSummaryDocument.READ_MODEL);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      AtomicLong empty = new AtomicLong();
      Thread reader = new Thread(() -> {
        while (!stop.get()) {
          boolean found = view.findById("order-" + (reads.get() % 200)).isPresent();
          empty.addAndGet(found ? 0 : 1);
          reads.incrementAndGet();
        }
      });
      reader.start();
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> reads.get() > 50);
        assertThat(switching.switchReads(0, true)).hasValueSatisfying(
            c -> assertThat(c.identical()).isTrue());
        source.operations().reset();
        long after = reads.get();
        await().atMost(Duration.ofSeconds(120)).until(() -> reads.get() > after + 50);
      } finally {
        stop.set(true);
        reader.join();
      }
      assertThat(source.readModel(OrderSummaryDocument.READ_MODEL).count()).isZero();
      assertThat(empty.get()).isZero();
    }
  }

  @AfterEach
  void cleanUp() {
    if (mongo != null) {
      mongo.shutdownNow();
    }
    deleteKeys(redisPrefixes);
  }

  /** Deletes the keys under each prefix from the Redis database of the tests. */
  static void deleteKeys(List<String> prefixes) {
    if (prefixes.isEmpty()) {
      return;
    }
    try (Jedis jedis = new Jedis(URI.create(TestServers.require(TestServers.Server.REDIS)))) {
      for (String prefix : prefixes) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + "*")
              .count(1000));
          if (!page.getResult().isEmpty()) {
            jedis.del(page.getResult().toArray(String[]::new));
          }
          cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
      }
    }
  }
}
