package io.orchestrix.projection.mongo;

import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.deadLetter;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.mongo.internal.WriteFaults;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.StoreFixtures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outages, always on an in-process server the test stops and restarts on the same port (its data
 * kept), or hides behind a proxy that stops answering: every call fails with a
 * {@link FailureKind#TRANSIENT} {@link StoreException} while the server is away, within the
 * configured timeouts, and the same store works again once it is back.
 */
class OutageTest {

  private static final String PROJECTION = "p";
  private static final Duration LEASE_TTL = Duration.ofMinutes(10);
  private static final ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status"));
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  private static MongoStoreOptions options() {
    return MongoStoreOptions.builder().collectionPrefix("outage_")
        .serverSelectionTimeout(Duration.ofMillis(300)).socketTimeout(Duration.ofMillis(500)).build();
  }

  private static MongoProjectionStore open(String uri, WriteFaults faults) {
    MongoProjectionStore store = MongoProjectionStore.open(uri, options(), faults);
    store.prepareReadModel(ORDERS);
    return store;
  }

  @Test
  @DisplayName("while the server is stopped every call is a transient StoreException, leases and partitioned commits included, and after a restart on the same port the store goes on")
  void everyCallDuringAnOutageIsTransient() {
    try (RestartableMongo server = new RestartableMongo();
        MongoProjectionStore store = open(server.uri(), WriteFaults.NONE)) {
      long token = store.claimWriter(PROJECTION);
      store.commit(commit(PROJECTION, token, 0, 1, List.of(put("orders", order("o-1", "PLACED", "c", 1, 1)))));
      String partitionKey = ProjectionIds.partitionKey(PROJECTION, 0);
      long partitionToken = store.claimWriter(partitionKey);
      Lease held = store.acquireLease("nodes", "p0", "node-a", LEASE_TTL).orElseThrow();

      server.stop();

      Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
      calls.put("open", () -> MongoProjectionStore.open(server.uri(), options()).close());
      calls.put("prepareReadModel", () -> store.prepareReadModel(new ReadModelSchema("notes", List.of())));
      calls.put("claimWriter", () -> store.claimWriter(PROJECTION));
      calls.put("loadState", () -> store.loadState(PROJECTION));
      calls.put("saveState", () -> store.saveState(stateAt("other", 3)));
      calls.put("commit", () -> store.commit(commit(PROJECTION, token, 1, 2,
          List.of(put("orders", order("o-2", "PLACED", "c", 1, 2))))));
      calls.put("find", () -> store.find("orders", "o-1"));
      calls.put("findAll", () -> store.findAll("orders", List.of("o-1", "o-2")));
      calls.put("findByIndex", () -> store.findByIndex("orders", "status", "PLACED"));
      calls.put("count", () -> store.count("orders"));
      calls.put("page", () -> store.page("orders", null, 10));
      calls.put("deadLetters", () -> store.deadLetters(PROJECTION));
      calls.put("partitioned commit", () -> store.commit(commit(partitionKey, partitionToken, 0, 1,
          List.of(put("orders", order("o-p", "PLACED", "c", 1, 1)))).inPartition(0)));
      calls.put("acquireLease", () -> store.acquireLease("nodes", "p0", "node-a", LEASE_TTL));
      calls.put("releaseLease", () -> store.releaseLease("nodes", "p0", "node-a"));
      calls.put("leases", () -> store.leases("nodes"));
      calls.forEach((call, action) -> assertTransient(call, action));

      server.restart();

      await().atMost(RECOVERY).ignoreExceptionsInstanceOf(StoreException.class)
          .until(() -> store.loadState(PROJECTION).isPresent());
      long again = store.claimWriter(PROJECTION);
      store.commit(commit(PROJECTION, again, 1, 2, List.of(put("orders", order("o-2", "PLACED", "c", 1, 2)))));
      assertThat(store.findByIndex("orders", "status", "PLACED")).extracting(StoredDocument::id)
          .containsExactly("o-1", "o-2");
      assertThat(store.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(2);
      assertThat(store.acquireLease("nodes", "p0", "node-a", LEASE_TTL)).as("renewed after the restart")
          .hasValueSatisfying(lease -> assertThat(lease.epoch()).isEqualTo(held.epoch()));
      store.commit(commit(partitionKey, partitionToken, 0, 1,
          List.of(put("orders", order("o-p", "PLACED", "c", 1, 1)))).inPartition(0));
      assertThat(store.find("orders", "o-p")).isPresent();
    }
  }

  private static void assertTransient(String call, ThrowingCallable action) {
    long started = System.nanoTime();
    Throwable failure = catchThrowable(action);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(failure).as(call).isInstanceOf(StoreException.class);
    assertThat(((StoreException) failure).kind()).as("%s: %s", call, failure.getMessage())
        .isEqualTo(FailureKind.TRANSIENT);
    assertThat(failure.getMessage()).as(call).contains("127.0.0.1");
    assertThat(tookMillis).as("milliseconds %s took with a 300 ms selection timeout", call)
        .isLessThan(10_000);
  }

  /**
   * The writes of a standalone commit with puts, a delete and a dead letter, in the order it sends
   * them; the server stops just before one of them.
   */
  @ParameterizedTest(name = "server stopped before {0}")
  @ValueSource(strings = {"writing read model", "writing dead letters", "moving the checkpoint",
      "deleting from read model", "clearing the record of deletes"})
  @DisplayName("a server stopped in the middle of a commit fails it transiently; after the restart the commit is applied once")
  void serverStoppedInTheMiddleOfACommit(String stoppedBefore) {
    try (RestartableMongo server = new RestartableMongo()) {
      AtomicBoolean armed = new AtomicBoolean();
      AtomicBoolean stopped = new AtomicBoolean();
      try (MongoProjectionStore store = open(server.uri(), write -> {
        if (armed.get() && write.startsWith(stoppedBefore) && stopped.compareAndSet(false, true)) {
          server.stop();
        }
      })) {
        long token = store.claimWriter(PROJECTION);
        store.commit(commit(PROJECTION, token, 0, 1, List.of(
            put("orders", order("o-1", "PLACED", "c", 1, 1)), put("orders", order("o-2", "PLACED", "c", 1, 1)))));
        armed.set(true);

        Throwable failure = catchThrowable(() -> store.commit(change(token)));

        assertThat(stopped).as("the server was stopped before " + stoppedBefore).isTrue();
        assertThat(failure).isInstanceOf(StoreException.class);
        assertThat(((StoreException) failure).kind()).as(failure.getMessage()).isEqualTo(FailureKind.TRANSIENT);
        if (stoppedBefore.startsWith("deleting") || stoppedBefore.startsWith("clearing")) {
          assertThat(failure).as("the checkpoint had moved").hasMessageContaining("committed up to position 2");
        }

        server.restart();
        await().atMost(RECOVERY).ignoreExceptionsInstanceOf(StoreException.class)
            .until(() -> store.loadState(PROJECTION).isPresent());
        long again = store.claimWriter(PROJECTION);
        if (store.loadState(PROJECTION).orElseThrow().lastProcessedPosition() == 1) {
          store.commit(change(again));
        }

        assertThat(store.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(2);
        assertThat(StoreFixtures.contents(store, "orders").keySet()).containsExactly("o-1", "o-3");
        assertThat(store.find("orders", "o-1").orElseThrow().indexValues()).containsEntry("status", "SHIPPED");
        assertThat(store.deadLetters(PROJECTION)).extracting(letter -> letter.position()).containsExactly(2L);
      }
    }
  }

  private static Commit change(long token) {
    return Commit.batch(token, 1, stateAt(PROJECTION, 2), StoreFixtures.grouped(List.of(
        put("orders", order("o-1", "SHIPPED", "c", 1, 2)), put("orders", order("o-3", "PLACED", "c", 1, 2)),
        delete("orders", "o-2"))), List.of(deadLetter(PROJECTION, 2)));
  }

  @Test
  @DisplayName("a server that stops answering in the middle of calls fails them transiently after the socket timeout")
  void serverThatStopsAnswering() {
    try (RestartableMongo server = new RestartableMongo();
        FreezableProxy proxy = new FreezableProxy(server.port());
        MongoProjectionStore store = open("mongodb://127.0.0.1:" + proxy.port() + "/outage_test",
            WriteFaults.NONE)) {
      long token = store.claimWriter(PROJECTION);
      store.commit(commit(PROJECTION, token, 0, 1, List.of(put("orders", order("o-1", "PLACED", "c", 1, 1)))));

      proxy.freeze();
      assertTransient("find", () -> store.find("orders", "o-1"));
      assertTransient("commit", () -> store.commit(commit(PROJECTION, token, 1, 2,
          List.of(put("orders", order("o-2", "PLACED", "c", 1, 2))))));
      proxy.thaw();

      await().atMost(RECOVERY).ignoreExceptionsInstanceOf(StoreException.class)
          .until(() -> store.find("orders", "o-1").isPresent());
      long again = store.claimWriter(PROJECTION);
      long checkpoint = store.loadState(PROJECTION).orElseThrow().lastProcessedPosition();
      if (checkpoint == 1) {
        store.commit(commit(PROJECTION, again, 1, 2, List.of(put("orders", order("o-2", "PLACED", "c", 1, 2)))));
      }
      assertThat(store.count("orders")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("a runner waits out a server stopped mid-run and, after the restart, ends with the result of an uninterrupted run")
  void runnerWaitsOutAStoppedServer() throws InterruptedException {
    InMemoryEventLog log = new InMemoryEventLog();
    List<Object> payloads = OrderWorkload.payloads(40);
    int half = payloads.size() / 2;
    payloads.subList(0, half).forEach(payload -> log.append("orders", payload));
    try (RestartableMongo server = new RestartableMongo();
        MongoProjectionStore store = MongoProjectionStore.open(server.uri(), options())) {
      ProjectionRunner runner = ProjectionRunner.builder(log)
          .projection(OrderWorkload.engine(store))
          .batchSize(10)
          .outageBackoff(Backoff.of(Duration.ofMillis(20), Duration.ofMillis(200)))
          .build();
      try (runner) {
        runner.start();
        assertThat(runner.awaitPosition(OrderWorkload.PROJECTION, log.headPosition(), RECOVERY))
            .as("the first half processed").isTrue();

        server.stop();
        payloads.subList(half, payloads.size()).forEach(payload -> log.append("orders", payload));
        await().atMost(RECOVERY).until(() -> runner.status(OrderWorkload.PROJECTION).outage().isPresent());
        assertThat(runner.status(OrderWorkload.PROJECTION).state())
            .as("a transient outage is waited out, never a failure").isNotEqualTo(ProjectionStatus.RunState.FAILED);

        server.restart();
        assertThat(runner.awaitPosition(OrderWorkload.PROJECTION, log.headPosition(), RECOVERY))
            .as("the second half processed after the restart").isTrue();
        ProjectionStatus status = runner.status(OrderWorkload.PROJECTION);
        assertThat(status.state()).isNotEqualTo(ProjectionStatus.RunState.FAILED);
        assertThat(status.healthy()).isTrue();
      }

      InMemoryProjectionStateStore reference = new InMemoryProjectionStateStore();
      OrderWorkload.engine(reference).processEvents(log.read(0, payloads.size()));
      assertThat(OrderWorkload.outcome(store)).isEqualTo(OrderWorkload.outcome(reference));
    }
  }

  @Test
  @DisplayName("a reset interrupted by a stopped server completes when run again after the restart")
  void resetInterruptedByAStoppedServer() {
    try (RestartableMongo server = new RestartableMongo()) {
      AtomicBoolean stopped = new AtomicBoolean();
      try (MongoProjectionStore store = open(server.uri(), write -> {
        if (write.startsWith("clearing dead letters") && stopped.compareAndSet(false, true)) {
          server.stop();
        }
      })) {
        long token = store.claimWriter(PROJECTION);
        store.commit(Commit.batch(token, 0, stateAt(PROJECTION, 5), StoreFixtures.grouped(List.of(
            put("orders", order("o-1", "PLACED", "c", 1, 5)))), List.of(deadLetter(PROJECTION, 3))));
        Commit reset = Commit.reset(token, 5, ProjectionState.initial(PROJECTION, T0), Set.of("orders"));

        Throwable failure = catchThrowable(() -> store.commit(reset));
        assertThat(failure).isInstanceOf(StoreException.class);
        assertThat(((StoreException) failure).kind()).isEqualTo(FailureKind.TRANSIENT);

        server.restart();
        await().atMost(RECOVERY).ignoreExceptionsInstanceOf(StoreException.class)
            .until(() -> store.loadState(PROJECTION).isPresent());
        long again = store.claimWriter(PROJECTION);
        store.commit(Commit.reset(again, 5, ProjectionState.initial(PROJECTION, T0), Set.of("orders")));

        assertThat(store.count("orders")).isZero();
        assertThat(store.deadLetters(PROJECTION)).isEmpty();
        assertThat(store.loadState(PROJECTION)).contains(ProjectionState.initial(PROJECTION, T0));
      }
    }
  }
}
