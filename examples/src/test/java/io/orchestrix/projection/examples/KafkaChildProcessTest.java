package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.examples.kafka.WorkloadAppender;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.tck.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code follow --kafka} in child JVMs on one PostgreSQL store, against a broker in a child JVM of its
 * own (one for the class): a consumer killed with SIGKILL while it applies batches, then restarted; three
 * consumers sharing 12 partitions, one of them killed; the broker killed and restarted mid-run. Each
 * time the read model's digest equals the one of a single uninterrupted run (the in-memory bench's):
 * nothing applied twice, nothing lost.
 */
class KafkaChildProcessTest {

  private static final int EVENTS = 20_000;
  private static final Duration DEADLINE = Duration.ofMinutes(3);
  private static KafkaTestBroker broker;
  private static String postgres;
  private static String uninterrupted;

  @TempDir
  Path directory;

  @BeforeAll
  static void brokerStoreAndReference() {
    postgres = TestServers.require(TestServers.Server.POSTGRES);
    // a killed member's partitions move after the group's session timeout: 3 s instead of 45
    broker = KafkaTestBroker.childProcess()
        .brokerProperty("group.consumer.session.timeout.ms", "3000")
        .start();
    CliRun run = CliRun.of("bench", "--store", "memory:", "--events", String.valueOf(EVENTS));
    assertThat(run.exitCode()).as(run.output()).isZero();
    uninterrupted = KafkaCommandsTest.digestLine(run).substring("digest       ".length());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aConsumerKilledWithSigkillWhileApplyingResumesAndAppliesEveryEventOnce() throws Exception {
    try (Run run = new Run("killed", 4)) {
      try (FollowProcess first = run.follow("first")) {
        awaitApplied(run, EVENTS / 4, first);
        first.kill();
      }
      long appliedWhenKilled = run.applied();
      assertThat(appliedWhenKilled).as("killed mid-run").isBetween((long) EVENTS / 4, EVENTS - 1L);

      try (FollowProcess second = run.follow("second")) {
        assertThat(second.exitCode(DEADLINE.toSeconds())).as(second.output()).isZero();
        assertThat(second.output()).contains("reached --until " + EVENTS).contains(uninterrupted);
      }
      assertThat(run.digest()).isEqualTo(uninterrupted);
    }
  }

  @Test
  void threeConsumersShareTwelvePartitionsAndTheTwoLeftFinishTheOneKilled() throws Exception {
    try (Run run = new Run("three", 12)) {
      List<FollowProcess> members = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          members.add(run.follow("member-" + i));
        }
        FollowProcess victim = members.get(0);
        await().atMost(DEADLINE).until(() -> members.stream().allMatch(m -> m.output()
            .lines().anyMatch(l -> l.startsWith("status") && !l.contains("partitions here 0 of"))));
        awaitApplied(run, EVENTS / 4, victim);
        victim.kill();
        assertThat(run.applied()).as("killed mid-run").isLessThan(EVENTS);

        for (FollowProcess survivor : members.subList(1, 3)) {
          assertThat(survivor.exitCode(DEADLINE.toSeconds())).as(survivor.output()).isZero();
          assertThat(survivor.output()).contains("reached --until " + EVENTS).contains(uninterrupted);
        }
      } finally {
        for (FollowProcess member : members) {
          member.close();
        }
      }
      assertThat(run.digest()).isEqualTo(uninterrupted);
    }
  }

  @Test
  void theBrokerKilledAndRestartedMidRunLosesNothing() throws Exception {
    try (Run run = new Run("broker", 4)) {
      try (FollowProcess follower = run.follow("follower")) {
        awaitApplied(run, EVENTS / 4, follower);
        broker.kill();
        long appliedWhileDown = run.applied();
        broker.restart();

        assertThat(appliedWhileDown).as("the broker went down mid-run").isLessThan(EVENTS);
        assertThat(follower.exitCode(DEADLINE.toSeconds())).as(follower.output()).isZero();
        assertThat(follower.output()).contains("reached --until " + EVENTS).contains(uninterrupted);
      }
      assertThat(run.digest()).isEqualTo(uninterrupted);
    }
  }

  private static void awaitApplied(Run run, long events, FollowProcess process) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
        .failFast("the follower ended early", () -> !process.isAlive())
        .until(() -> run.applied() >= events);
  }

  /** One topic with the workload, a table prefix of its own and a consumer group of its own. */
  private final class Run implements AutoCloseable {
    private final String topic;
    private final String prefix;
    private final int partitions;
    private final ProjectionStore store;

    Run(String name, int partitions) {
      String unique = UUID.randomUUID().toString().substring(0, 8);
      this.topic = "child-" + name + "-" + unique;
      this.prefix = "kc_" + name + "_" + unique + "_";
      this.partitions = partitions;
      this.store = ProjectionStoreProviders.open(postgres, Map.of("table-prefix", prefix));
      WorkloadAppender.append(broker.bootstrapServers(), topic, OptionalInt.of(partitions),
          StandardWorkload.of(EVENTS));
    }

    FollowProcess follow(String name) {
      return FollowProcess.start(directory.resolve(name + ".out"), "follow", "--store", postgres,
          "-P", "table-prefix=" + prefix, "--kafka", broker.bootstrapServers(), "--topic", topic,
          "--consumer-group", topic, "--until", String.valueOf(EVENTS), "--batch-size", "50",
          "-K", "group.protocol=consumer");
    }

    /** Events applied in all: the sum of the partitions' stored checkpoints. */
    long applied() {
      long sum = 0;
      for (int p = 0; p < partitions; p++) {
        sum += store.loadState(ProjectionIds.partitionKey(WorkloadProjection.PROJECTION_ID, p))
            .map(ProjectionState::lastProcessedPosition).orElse(0L);
      }
      return sum;
    }

    String digest() {
      return ReadModelDigest.of(WorkloadProjection.engine(store, 1_000, FailurePolicy.stop(),
          partitions).readModel(OrderSummaryDocument.READ_MODEL)).toString();
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
