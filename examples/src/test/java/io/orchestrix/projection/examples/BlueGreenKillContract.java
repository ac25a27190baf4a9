package io.orchestrix.projection.examples;

import static io.orchestrix.projection.examples.GenerationsCommandTest.digestLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rebuild --blue-green} of the workload's projection in child JVMs killed with SIGKILL, on the
 * store a subclass names (the events are in PostgreSQL): in the middle of the build, right before the
 * cut-over commit and right after it (the hidden {@code --hold-at} option blocks the child at that
 * step, and the test kills it once it printed so). Each next run resumes from the new generation's
 * own checkpoint; the last one finds the new generation live with the reference digest. A reader in
 * this JVM computes the whole read model's digest over and over meanwhile: every one is the
 * reference, so no reader ever saw an empty, partial or mixed model. The same for a {@code follow}
 * of a new version (a runner building the generation by itself) killed in the middle of its build
 * while another node serves version 1: a third node resumes the build from the generation's
 * checkpoint and cuts over, and the serving node is refused. A store's test is a few lines: where the
 * store is, and how to clean it up.
 */
abstract class BlueGreenKillContract {

  static final int EVENTS = 2_000;
  static final Duration DEADLINE = Duration.ofSeconds(90);

  private static String reference;

  @TempDir
  Path directory;

  private String source;
  private String sourcePrefix;
  private Store store;
  ProjectionStore readerStore;
  private DigestReader reader;

  /** Where the projection's store is, as the command line's {@code --store URI -P KEY=VALUE...}. */
  record Store(String uri, Map<String, String> properties) {}

  /** Makes (or starts) a fresh store for one test; {@code directory} is this test's own. */
  abstract Store freshStore(Path directory) throws Exception;

  /** Deletes what the test left in the store, or stops it. */
  abstract void cleanUp(Store store) throws Exception;

  @BeforeAll
  static void referenceDigest() {
    reference = MultiNodeCluster.referenceDigest(EVENTS).substring("digest       ".length());
  }

  @BeforeEach
  void liveGenerationOneAndAReader() throws Exception {
    source = TestServers.require(TestServers.Server.POSTGRES);
    sourcePrefix = JdbcClusters.uniquePrefix();
    store = freshStore(directory);
    CliRun append = CliRun.of("append", "--source", source, "-P", "table-prefix=" + sourcePrefix,
        "--events", String.valueOf(EVENTS));
    assertThat(append.exitCode()).as(append.output() + append.errors()).isZero();
    CliRun follow = CliRun.of(args("follow", "--until", String.valueOf(EVENTS)));
    assertThat(follow.exitCode()).as(follow.output() + follow.errors()).isZero();
    readerStore = ProjectionStoreProviders.open(store.uri(), store.properties());
    reader = new DigestReader(WorkloadProjection.engine(readerStore, 1_000)
        .readModel(OrderSummaryDocument.READ_MODEL));
  }

  @AfterEach
  void stopReaderAndCleanUp() throws Exception {
    if (reader != null) {
      reader.close();
    }
    if (readerStore != null) {
      readerStore.close();
    }
    JdbcClusters.dropTables(source, sourcePrefix);
    cleanUp(store);
  }

  @Test
  void killedMidBuildThenBeforeThenAfterTheCutOverEachRunResumesAndReadersSeeOnlyAWholeModel()
      throws Exception {
    killAt("batch:5");
    assertThat(checkpointOfGeneration(2)).as("5 batches of 100 committed").isEqualTo(500);
    assertThat(CliRun.of(args("generations", "list")).output())
        .contains("generation 1 version 1  LIVE").contains("generation 2 version 2  BUILDING");

    assertThat(killAt("before-cut-over")).contains("resumed from checkpoint 500")
        .contains("built        1,500 events up to position 2,000");
    assertThat(checkpointOfGeneration(2)).isEqualTo(EVENTS);
    assertThat(CliRun.of(args("generations", "list")).output())
        .contains("generation 1 version 1  LIVE").contains("generation 2 version 2  BUILDING");

    assertThat(killAt("after-cut-over", "--verify")).contains("resumed from checkpoint 2,000")
        .contains("built        0 events up to position 2,000")
        .contains("cut over     to generation 2 (version 2) after the digest check");
    assertThat(CliRun.of(args("generations", "list")).output())
        .contains("generation 1 version 1  RETIRED").contains("generation 2 version 2  LIVE");
    assertThat(digestLine(CliRun.of(args("digest")).output())).endsWith(reference);

    CliRun again = CliRun.of(args("rebuild", "--blue-green", "--version", "2"));
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.errors()).contains("is the live one");
    assertReadersOnlySawTheReference();
  }

  @Test
  void aFollowOfANewVersionKilledMidBuildResumesFromItsOwnCheckpointAndCutsOverByItself()
      throws Exception {
    try (FollowProcess serving = FollowProcess.start(directory.resolve("follow-serving"),
        args("follow", "--batch-size", "100"))) {
      await().atMost(DEADLINE).until(() -> serving.output().contains("following")
          || !serving.isAlive());
      buildKillAndResume();
      assertThat(serving.exitCode(DEADLINE.toSeconds())).as(serving.output()).isEqualTo(1);
      assertThat(serving.output()).as("the node serving version 1 is refused after the cut-over")
          .contains("this node's code is version '1' but the live generation in the store is"
              + " version '2'");
    }
  }

  /** Builds version 2 in a node killed mid-build, then in another that resumes and cuts over. */
  private void buildKillAndResume() throws Exception {
    try (FollowProcess child = FollowProcess.start(directory.resolve("follow-killed"),
        args("follow", "--version", "2", "--batch-size", "100", "--hold-at-position", "1250"))) {
      await().atMost(DEADLINE).until(() -> child.output().contains("holding      at position 1250")
          || !child.isAlive());
      assertThat(child.isAlive()).as(child.output()).isTrue();
      child.kill();
    }
    long built = checkpointOfGeneration(2);
    assertThat(built).as("the new generation's checkpoint when killed").isBetween(100L, 1200L);
    assertThat(CliRun.of(args("generations", "list")).output())
        .contains("generation 1 version 1  LIVE").contains("generation 2 version 2  BUILDING");

    // held at position 50 again, it would never cut over: it must resume past it, from its checkpoint
    ProjectionEngine watcher = WorkloadProjection.engine(readerStore, 1_000);
    try (FollowProcess resumed = FollowProcess.start(directory.resolve("follow-resumed"),
        args("follow", "--version", "2", "--batch-size", "100", "--hold-at-position", "50"))) {
      await().atMost(DEADLINE).until(() -> watcher.generations().live().number() == 2
          || !resumed.isAlive());
      assertThat(resumed.output()).doesNotContain("holding");
      assertThat(watcher.generations().live().version()).as(resumed.output()).isEqualTo("2");
    }
    assertThat(checkpointOfGeneration(2)).isEqualTo(EVENTS);
    assertThat(digestLine(CliRun.of(args("digest")).output())).endsWith(reference);
    assertReadersOnlySawTheReference();
  }
  /**
   * Runs the blue-green rebuild of version 2 in a child JVM and SIGKILLs it at the step, once a
   * reader has read meanwhile; returns what the child printed.
   */
  String killAt(String step, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of("rebuild", "--blue-green", "--version", "2",
        "--batch-size", "100", "--hold-at", step));
    command.addAll(List.of(options));
    return FollowProcess.killWhenHolding(directory.resolve(step.replace(':', '-')), step, DEADLINE,
        () -> reader.awaitMoreReads(DEADLINE), args(command.toArray(String[]::new)));
  }

  long checkpointOfGeneration(int generation) {
    return readerStore.loadState(ProjectionIds.generationKey(WorkloadProjection.PROJECTION_ID,
        generation)).map(ProjectionState::lastProcessedPosition).orElse(0L);
  }

  void assertReadersOnlySawTheReference() {
    reader.assertOnlySaw(reference, DEADLINE);
  }

  /** The command line's arguments with the store's and (where the command reads) the source's. */
  String[] args(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--store", store.uri()));
    store.properties().forEach((key, value) -> args.addAll(List.of("-P", key + "=" + value)));
    if (!command[0].equals("generations") && !command[0].equals("digest")) {
      args.addAll(List.of("--source", source, "-S", "table-prefix=" + sourcePrefix));
    }
    return args.toArray(String[]::new);
  }
}
