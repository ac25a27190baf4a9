package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.accountHandlers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runners on several nodes share a projection's partitions through leases in the store; here the
 * nodes are runners in one JVM over one in-memory store, each with its own engine, as separate
 * processes would be.
 */
class LeasedRunnerTest {

  private static final Duration LEASE = Duration.ofSeconds(1);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();

  /** Counts how often each event was applied: a second application would show as 2. */
  record Applied(String eventId, int times) {}

  static final ReadModel<Applied> APPLIED =
      ReadModel.builder("applied", Applied.class).id(Applied::eventId).build();

  @AfterEach
  void stopRunners() {
    runners.forEach(ProjectionRunner::stop);
  }

  private ProjectionRunner node(String name, int partitions) {
    ProjectionEngine engine = Projections.engine("accounts").store(store.openAnother())
        .readModel(ACCOUNTS).readModel(APPLIED).partitions(partitions).build();
    accountHandlers(engine);
    engine.on(Object.class, (Object e, HandlerContext c) -> {
      int before = c.readModel(APPLIED).findById(c.envelope().eventId()).map(Applied::times).orElse(0);
      c.readModel(APPLIED).save(new Applied(c.envelope().eventId(), before + 1));
    });
    ProjectionRunner runner = ProjectionRunner.builder(log).projection(engine).node(name)
        .leaseTime(LEASE).batchSize(25).maxIdleWait(Duration.ofMillis(20)).build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  private long appendHistory(int accounts, int deposits, int fromAccount) {
    long last = 0;
    for (int a = fromAccount; a < fromAccount + accounts; a++) {
      last = log.append("acc-" + a, new Opened("acc-" + a, "owner"));
    }
    for (int d = 0; d < deposits; d++) {
      last = log.append("acc-" + (fromAccount + d % accounts),
          new Deposited("acc-" + (fromAccount + d % accounts), 1));
    }
    return last;
  }

  private Map<String, String> contents(String readModel) {
    store.prepareReadModel(new ReadModelSchema(readModel,
        readModel.equals("account") ? List.of("owner", "status") : List.of()));
    Map<String, String> contents = new TreeMap<>();
    String after = null;
    List<StoredDocument> page;
    while (!(page = store.page(readModel, after, 500)).isEmpty()) {
      page.forEach(document -> contents.put(document.id(), document.json()));
      after = page.get(page.size() - 1).id();
    }
    return contents;
  }

  private void assertEveryEventAppliedOnce(long events) {
    Map<String, String> applied = contents("applied");
    assertThat(applied).hasSize((int) events);
    assertThat(applied.values()).allSatisfy(json -> assertThat(json).contains("\"times\":1"));
  }

  @Test
  void twoNodesShareThePartitionsAndApplyEveryEventOnce() throws InterruptedException {
    ProjectionRunner a = node("node-a", 4);
    ProjectionRunner b = node("node-b", 4);
    long head = appendHistory(20, 300, 0);

    assertThat(a.awaitPosition("accounts", head, DEADLINE)).isTrue();
    assertThat(b.awaitPosition("accounts", head, DEADLINE)).isTrue();
    await().atMost(DEADLINE).untilAsserted(() -> {
      assertThat(a.partitions("accounts")).filteredOn(PartitionStatus::ownedHere).hasSize(2);
      assertThat(b.partitions("accounts")).filteredOn(PartitionStatus::ownedHere).hasSize(2);
    });
    long more = appendHistory(20, 100, 20);
    assertThat(a.awaitPosition("accounts", more, DEADLINE)).isTrue();

    assertEveryEventAppliedOnce(more);
    assertThat(contents("account")).hasSize(40);
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(a.nodes("accounts"))
        .extracting(node -> node.node()).containsExactlyInAnyOrder("node-a", "node-b"));
    assertThat(a.health().up()).isTrue();
  }

  @Test
  void aNodeThatStopsHandsItsPartitionsToTheOthers() throws InterruptedException {
    ProjectionRunner a = node("node-a", 4);
    ProjectionRunner b = node("node-b", 4);
    long head = appendHistory(10, 100, 0);
    assertThat(a.awaitPosition("accounts", head, DEADLINE)).isTrue();

    a.stop();
    long more = appendHistory(10, 100, 10);

    assertThat(b.awaitPosition("accounts", more, DEADLINE)).isTrue();
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(b.partitions("accounts"))
        .allSatisfy(partition -> assertThat(partition.ownedHere()).isTrue()));
    assertEveryEventAppliedOnce(more);
  }

  @Test
  void aJoiningNodeTakesItsShare() throws InterruptedException {
    ProjectionRunner a = node("node-a", 6);
    long head = appendHistory(10, 60, 0);
    assertThat(a.awaitPosition("accounts", head, DEADLINE)).isTrue();
    assertThat(a.partitions("accounts")).allSatisfy(p -> assertThat(p.ownedHere()).isTrue());

    ProjectionRunner b = node("node-b", 6);
    ProjectionRunner c = node("node-c", 6);
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (ProjectionRunner runner : List.of(a, b, c)) {
        assertThat(runner.partitions("accounts")).filteredOn(PartitionStatus::ownedHere).hasSize(2);
      }
    });
    long more = appendHistory(10, 200, 10);

    assertThat(c.awaitPosition("accounts", more, DEADLINE)).isTrue();
    assertEveryEventAppliedOnce(more);
  }

  @Test
  void withOnePartitionOneNodeRunsAndTheOtherStandsByUntilItIsGone() throws InterruptedException {
    ProjectionRunner a = node("node-a", 1);
    long head = appendHistory(5, 20, 0);
    assertThat(a.awaitPosition("accounts", head, DEADLINE)).isTrue();
    ProjectionRunner b = node("node-b", 1);

    await().atMost(DEADLINE).untilAsserted(() -> {
      assertThat(b.status("accounts").state()).isEqualTo(RunState.STANDBY);
      assertThat(b.partitions("accounts").get(0).owner()).isEqualTo("node-a");
    });
    assertThat(b.health().up()).as("a standby is healthy").isTrue();
    assertThat(a.status("accounts").state()).isIn(RunState.RUNNING, RunState.CATCHING_UP);

    a.stop();
    long more = appendHistory(5, 20, 5);
    assertThat(b.awaitPosition("accounts", more, DEADLINE)).isTrue();
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(b.status("accounts").state()).isEqualTo(RunState.RUNNING));
    assertEveryEventAppliedOnce(more);
  }

  @Test
  void aRebuildThroughOneNodeFencesEveryOwnerAndEndsWithTheSameReadModel()
      throws InterruptedException {
    ProjectionRunner a = node("node-a", 3);
    ProjectionRunner b = node("node-b", 3);
    long head = appendHistory(10, 100, 0);
    assertThat(a.awaitPosition("accounts", head, DEADLINE)).isTrue();
    Map<String, String> before = contents("account");

    a.rebuild("accounts");

    assertThat(b.awaitPosition("accounts", head, DEADLINE)).isTrue();
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(contents("account")).isEqualTo(before));
    assertEveryEventAppliedOnce(head);
  }

  @Test
  void nodeNamesAndLeaseTimesAreChecked() {
    assertThatThrownBy(() -> ProjectionRunner.builder(log).node("a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node: a node name");
    assertThatThrownBy(() -> ProjectionRunner.builder(log).leaseTime(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTime must be");
  }
}
