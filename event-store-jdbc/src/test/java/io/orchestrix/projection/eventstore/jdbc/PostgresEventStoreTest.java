package io.orchestrix.projection.eventstore.jdbc;

import static io.orchestrix.projection.eventstore.jdbc.EventFixtures.COUNTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Deposited;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.StreamCount;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.TickCounter;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Ticked;
import io.orchestrix.projection.jdbc.JdbcProjectionStore;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import io.orchestrix.projection.jdbc.JdbcTestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The event store on PostgreSQL, the reference: the shared contract, plus LISTEN/NOTIFY, connections
 * killed under a following projection, and an unreachable server.
 */
@DisplayName("JDBC event store on PostgreSQL")
class PostgresEventStoreTest extends JdbcEventStoreContract {

  @Override
  String url() {
    return JdbcTestDatabases.postgres();
  }

  @Override
  void dropTables(String prefix) throws SQLException {
    JdbcTestDatabases.dropTablesWithPrefix(url(), prefix);
  }

  @Override
  boolean positionsGapFree() {
    return false;
  }

  @Override
  String payloadParameter() {
    return "CAST(? AS JSONB)";
  }

  private String urlNamed(String applicationName) {
    return url() + (url().contains("?") ? "&" : "?") + "ApplicationName=" + applicationName;
  }

  /** A source that counts the runner's reads, to show it waits on notifications instead of polling. */
  private static final class CountingSource implements EventSource {
    private final EventSource delegate;
    final AtomicInteger reads = new AtomicInteger();

    CountingSource(EventSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<EventEnvelope<?>> read(long afterPosition, int limit) {
      reads.incrementAndGet();
      return delegate.read(afterPosition, limit);
    }

    @Override
    public long headPosition() {
      return delegate.headPosition();
    }

    @Override
    public boolean awaitAppend(long afterPosition, Duration timeout) throws InterruptedException {
      return delegate.awaitAppend(afterPosition, timeout);
    }
  }

  @Test
  @DisplayName("awaitAppend returns at once for a committed event, within milliseconds of a new commit, and false at its timeout")
  void awaitAppendListens() throws Exception {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    store.append("acc", new Deposited("acc", 1));

    assertThat(store.awaitAppend(0, Duration.ofSeconds(5))).as("an event after 0 is already committed").isTrue();
    long before = System.nanoTime();
    assertThat(store.awaitAppend(1, Duration.ofMillis(300))).as("nothing after 1").isFalse();
    assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));

    JdbcEventStore other = open(EventFixtures.accountTypes());
    CompletableFuture<Long> appended = CompletableFuture.supplyAsync(() -> {
      sleepQuietly(300);
      return other.append("acc", new Deposited("acc", 2));
    });
    long waitStarted = System.nanoTime();
    assertThat(store.awaitAppend(1, Duration.ofSeconds(10))).as("notified of the append").isTrue();
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitStarted);
    assertThat(appended.get(5, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(waited).as("ms waited for an append made after 300 ms").isBetween(250L, 1_500L);
  }

  @Test
  @DisplayName("LISTEN/NOTIFY: a runner whose idle wait is 10 s sees each new event well within a second, without polling")
  void notifiedRunnerLagsLessThanASecond() throws Exception {
    JdbcEventStore appender = open(EventFixtures.accountTypes());
    CountingSource source = new CountingSource(open(EventFixtures.accountTypes()));
    TickCounter counter = new TickCounter();
    ProjectionEngine engine = Projections.engine("notified").store(new InMemoryProjectionStateStore())
        .readModel(COUNTS).build();
    engine.on(Ticked.class, counter::apply);
    ProjectionRunner runner = track(ProjectionRunner.builder(source).maxIdleWait(Duration.ofSeconds(10))
        .projection(engine).build());
    runner.start();
    long first = appender.append("s", 0, List.of(new Ticked("s", 1)));
    assertThat(runner.awaitPosition("notified", first, Duration.ofSeconds(5))).isTrue();
    sleepQuietly(300);
    int readsBeforeIdle = source.reads.get();
    sleepQuietly(1_500);
    // polling with backoff would read about ten times in 1.5 s; a notified runner waits in awaitAppend
    int idleReads = source.reads.get() - readsBeforeIdle;

    List<Long> lagsMillis = new ArrayList<>();
    int readsBefore = source.reads.get();
    for (int i = 2; i <= 6; i++) {
      long started = System.nanoTime();
      long position = appender.append("s", i - 1, List.of(new Ticked("s", i)));
      assertThat(runner.awaitPosition("notified", position, Duration.ofSeconds(5))).isTrue();
      lagsMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      sleepQuietly(200);
    }
    int reads = source.reads.get() - readsBefore;
    // the worker waits up to 10 s in awaitAppend, which only an interrupt cuts short
    runner.stop(Duration.ofMillis(100));

    System.out.println("LISTEN/NOTIFY lag per append (ms, append included): " + lagsMillis + ", reads: "
        + reads + " for 5 appends, " + idleReads + " in 1.5 s idle");
    assertThat(lagsMillis).as("ms from append to applied").allMatch(lag -> lag < 1_000);
    assertThat(idleReads).as("reads while idle for 1.5 s").isLessThanOrEqualTo(1);
    assertThat(engine.readModel(COUNTS).findById("s")).hasValueSatisfying(c -> assertThat(c.events()).isEqualTo(6));
  }

  @Test
  @DisplayName("connections killed under a projection following the event store into the JDBC projection store: it retries and recovers, nothing lost or applied twice")
  void outageWhileFollowing() throws Exception {
    String follower = prefix() + "follow";
    EventTypes types = EventFixtures.accountTypes();
    JdbcEventStore appender = open(types);
    JdbcEventStore source = track(JdbcEventStore.open(urlNamed(follower), types, JdbcStoreOptions.builder()
        .tablePrefix(prefix()).poolSize(2).connectionTimeout(Duration.ofSeconds(2)).build()));
    JdbcProjectionStore projectionStore = track(JdbcProjectionStore.open(urlNamed(follower),
        JdbcStoreOptions.builder().tablePrefix(prefix()).poolSize(2).build()));
    TickCounter counter = new TickCounter();
    ProjectionEngine engine = Projections.engine("outage").store(projectionStore).readModel(COUNTS)
        .failurePolicy(FailurePolicy.retry(5)
            .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(300), 0.2)))
        .requireContiguousPositions(true).build();
    engine.on(Ticked.class, counter::apply);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ProjectionRunner runner = track(ProjectionRunner.builder(source).batchSize(20)
        .maxIdleWait(Duration.ofSeconds(5)).meterRegistry(meters)
        .outageBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(300), 0.2))
        .projection(engine)
        .build());
    runner.start();

    long[] versions = new long[4];
    long appendUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    CompletableFuture<Void> appending = CompletableFuture.runAsync(() -> {
      for (int n = 0; System.nanoTime() < appendUntil; n++) {
        int s = n % versions.length;
        appender.append("s" + s, versions[s], List.of(new Ticked("s" + s, versions[s] + 1),
            new Ticked("s" + s, versions[s] + 2)));
        versions[s] += 2;
        sleepQuietly(3);
      }
    });
    int killed = 0;
    for (int round = 0; round < 3; round++) {
      sleepQuietly(1_000);
      killed += terminate(follower);
    }
    appending.get(30, TimeUnit.SECONDS);

    long head = appender.headPosition();
    assertThat(runner.awaitPosition("outage", head, Duration.ofSeconds(20)))
        .as("recovered to the head %d: %s", head, runner.status("outage")).isTrue();
    ProjectionStatus status = runner.status("outage");
    runner.stop(Duration.ofMillis(100));
    Counter retries = meters.find(MetricNames.RETRIES).counter();
    System.out.println("outage: killed " + killed + " backends, head " + head + ", retries "
        + (retries == null ? 0 : retries.count()) + ", last error: " + status.lastError());

    assertThat(killed).as("backends of the follower terminated").isGreaterThanOrEqualTo(3);
    assertThat(retries).isNotNull();
    assertThat(retries.count()).as("retries after the killed connections").isPositive();
    assertThat(status.state()).isNotEqualTo(RunState.FAILED);
    assertThat(status.healthy()).isTrue();
    long total = 0;
    for (int s = 0; s < versions.length; s++) {
      StreamCount count = engine.readModel(COUNTS).findById("s" + s).orElseThrow();
      assertThat(count.events()).as("events applied to stream s%d", s).isEqualTo(versions[s]);
      assertThat(count.lastSeq()).isEqualTo(versions[s]);
      total += count.events();
    }
    assertThat(total).as("events applied in all").isEqualTo(head);
    assertThat(projectionStore.loadState("outage").orElseThrow().lastProcessedPosition())
        .as("stored checkpoint").isEqualTo(head);
  }

  @Test
  @DisplayName("an append that commits above one still open is not read, and no scan passes the open one, until it ends")
  void laterCommitAboveAnOpenAppendWaits() throws Exception {
    JdbcEventStore store = open(EventFixtures.accountTypes(),
        JdbcStoreOptions.builder().tablePrefix(prefix()).poolSize(4).build());
    store.append("early", new Deposited("early", 1));
    assertThat(store.read(0, 10)).extracting(EventEnvelope::streamId).containsExactly("early");
    java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    long[] held = new long[1];
    CompletableFuture<Long> open = CompletableFuture.supplyAsync(() -> store.append("held", 0,
        List.of(new Deposited("held", 2)), Map.of(), (handle, appended) -> {
          held[0] = appended.lastPosition();
          inFlight.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
    try {
      assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();
      long later = store.append("later", new Deposited("later", 3));
      assertThat(later).as("the later append's position").isGreaterThan(held[0]);

      assertThat(store.read(0, 10)).extracting(EventEnvelope::streamId).containsExactly("early");
      for (int partition = 0; partition < 3; partition++) {
        assertThat(store.read(0, 10, io.orchestrix.projection.PartitionFilter.byStreamId(partition, 3))
            .scannedTo()).as("partition %d's scan", partition).isLessThan(held[0]);
      }
    } finally {
      release.countDown();
    }
    open.get(30, TimeUnit.SECONDS);
    assertThat(store.read(0, 10)).extracting(EventEnvelope::streamId)
        .containsExactly("early", "held", "later");
  }

  private int terminate(String applicationName) throws SQLException {
    try (Connection admin = DriverManager.getConnection(url());
         PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM"
             + " pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()")) {
      kill.setString(1, applicationName);
      int count = 0;
      try (ResultSet rs = kill.executeQuery()) {
        while (rs.next()) {
          count += rs.getBoolean(1) ? 1 : 0;
        }
      }
      return count;
    }
  }

  @Test
  @DisplayName("an unreachable server is a transient StoreException naming the URL without its password")
  void unreachableServer() {
    StoreException failure = catchThrowableOfType(StoreException.class, () -> JdbcEventStore.open(
        "jdbc:postgresql://127.0.0.1:1/nowhere?user=app&password=s3cret", EventFixtures.accountTypes(),
        Map.of(JdbcStoreOptions.CONNECTION_TIMEOUT_MS, "1000")));

    assertThat(failure).as("opening on a closed port").isNotNull();
    assertThat(failure.isTransient()).isTrue();
    assertThat(failure.getMessage()).contains("127.0.0.1:1").contains("****").doesNotContain("s3cret");
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
