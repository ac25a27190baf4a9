package io.orchestrix.projection.examples;

import static io.orchestrix.projection.examples.GenerationsCommandTest.digestLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.core.StoreMigration;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.tck.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rebuild --into} from PostgreSQL into Redis in a child JVM killed with SIGKILL in the middle
 * of the build, right before the switch and right after it (the hidden {@code --hold-at} blocks the
 * child there); a new run resumes from the target's own checkpoint in Redis and switches with the
 * reference digest. A reader in this JVM computes the whole model's digest through a
 * {@link StoreMigration} over and over meanwhile: every one is the reference, before and after the
 * switch, so it never saw an empty, partial or mixed model.
 */
class CrossStoreKillTest {

  private static final int EVENTS = 2_000;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private static String reference;

  @TempDir
  Path directory;

  private String url;
  private String redis;
  private String prefix;
  private String keyPrefix;
  private ProjectionStore postgres;
  private ProjectionStore target;
  private StoreMigration migration;
  private DigestReader reader;

  @BeforeAll
  static void referenceDigest() {
    reference = MultiNodeCluster.referenceDigest(EVENTS).substring("digest       ".length());
  }

  @BeforeEach
  void followedOnPostgresAndAReaderThroughTheMigration() {
    url = TestServers.require(TestServers.Server.POSTGRES);
    redis = TestServers.require(TestServers.Server.REDIS);
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    prefix = "xk" + id + "_";
    keyPrefix = "xk" + id + ":";
    CliRun append = CliRun.of("append", "--source", url, "-P", "table-prefix=" + prefix,
        "--events", String.valueOf(EVENTS));
    assertThat(append.exitCode()).as(append.output() + append.errors()).isZero();
    CliRun follow = CliRun.of("follow", "--store", url, "-P", "table-prefix=" + prefix,
        "--source", url, "-S", "table-prefix=" + prefix, "--until", String.valueOf(EVENTS));
    assertThat(follow.exitCode()).as(follow.output() + follow.errors()).isZero();
    postgres = ProjectionStoreProviders.open(url, Map.of("table-prefix", prefix));
    target = ProjectionStoreProviders.open(redis, Map.of("key-prefix", keyPrefix));
    migration = new StoreMigration(
        new StoreMigration.Side(postgres, WorkloadProjection.engine(postgres, 1_000)),
        new StoreMigration.Side(target, WorkloadProjection.engine(target, 1_000)),
        List.of(OrderSummaryDocument.READ_MODEL), Duration.ofMillis(100));
    reader = new DigestReader(migration.readModel(OrderSummaryDocument.READ_MODEL));
  }

  @AfterEach
  void stopReaderAndCleanUp() throws Exception {
    reader.close();
    postgres.close();
    target.close();
    GenerationsCommandTest.dropTables(url, prefix);
    CrossStoreRebuildCommandTest.deleteKeys(List.of(keyPrefix));
  }

  @Test
  void killedInTheMiddleOfTheBuildItResumesFromTheTargetsOwnCheckpoint() throws Exception {
    killAt("batch:5");
    assertThat(targetCheckpoint()).as("5 batches of 100 committed in Redis").isEqualTo(500);
    assertThat(migration.refresh()).as("not switched").isFalse();

    CliRun resumed = CliRun.of(args("rebuild", "--verify", "--batch-size", "100"));
    assertThat(resumed.exitCode()).as(resumed.output() + resumed.errors()).isZero();
    assertThat(resumed.output()).contains("from the target's own checkpoint 500")
        .contains("built        1,500 events up to position 2,000")
        .contains("compared     400 documents at position [2000]: identical")
        .contains("switched     queries to redis://");
    assertThat(digestLine(resumed.output())).endsWith(reference);
    await().atMost(DEADLINE).until(migration::switched);
    assertReadersOnlySawTheReference();
  }

  @Test
  void killedRightBeforeTheSwitchANewRunSwitchesWithoutBuildingAgain() throws Exception {
    killAt("before-switch");
    assertThat(targetCheckpoint()).isEqualTo(EVENTS);
    assertThat(migration.refresh()).isFalse();

    CliRun resumed = CliRun.of(args("rebuild", "--verify"));
    assertThat(resumed.exitCode()).as(resumed.output() + resumed.errors()).isZero();
    assertThat(resumed.output()).contains("built        0 events up to position 2,000")
        .contains("switched     queries to redis://");
    assertThat(digestLine(resumed.output())).endsWith(reference);
    assertReadersOnlySawTheReference();
  }

  @Test
  void killedRightAfterTheSwitchEveryReaderReadsTheWholeTarget() throws Exception {
    killAt("after-switch");
    await().atMost(DEADLINE).until(migration::switched);
    CliRun again = CliRun.of(args("rebuild", "--verify"));
    assertThat(again.exitCode()).as(again.output() + again.errors()).isZero();
    assertThat(again.output()).contains("switched     already");
    assertThat(digestLine(again.output())).endsWith(reference);
    assertReadersOnlySawTheReference();
  }

  /** Runs the move into Redis in a child JVM, and SIGKILLs it at the step. */
  private void killAt(String step) throws Exception {
    FollowProcess.killWhenHolding(directory.resolve(step.replace(':', '-')), step, DEADLINE,
        () -> reader.awaitMoreReads(DEADLINE),
        args("rebuild", "--verify", "--batch-size", "100", "--hold-at", step));
  }

  private long targetCheckpoint() {
    return target.loadState(WorkloadProjection.PROJECTION_ID)
        .map(ProjectionState::lastProcessedPosition).orElse(0L);
  }

  private void assertReadersOnlySawTheReference() {
    reader.assertOnlySaw(reference, DEADLINE);
  }

  private String[] args(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--store", url, "-P", "table-prefix=" + prefix, "--source", url, "-S",
        "table-prefix=" + prefix, "--into", redis, "-I", "key-prefix=" + keyPrefix));
    return args.toArray(String[]::new);
  }
}
