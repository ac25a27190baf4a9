package io.orchestrix.projection.jdbc;

import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.tck.StoreFixtures;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the contract kit does not show of leases and partitions on each database: the database's clock
 * decides, an outage is transient, racers for an expired lease on separate pools, the cost of a
 * partition's commit, and tables of schema version 1 migrated with their documents.
 */
@DisplayName("JDBC store: leases and partitions on each database")
class LeasesAndPartitionsTest {

  private static final ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status", "customer_id"));
  private static final Duration LONG = Duration.ofMinutes(5);
  /** A time to live short enough to wait out in a test. */
  private static final Duration SHORT = Duration.ofMillis(300);

  /** The tests every database passes, on stores over a fresh table prefix. */
  abstract class OnDatabase {

    String prefix;
    private final List<JdbcProjectionStore> opened = new ArrayList<>();

    abstract String url();

    abstract void dropTables() throws SQLException;

    @BeforeEach
    void freshPrefix() {
      prefix = "l" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    }

    @AfterEach
    void drop() throws SQLException {
      opened.forEach(JdbcProjectionStore::close);
      dropTables();
    }

    JdbcProjectionStore open() {
      return open(options());
    }

    JdbcProjectionStore open(JdbcStoreOptions options) {
      JdbcProjectionStore store = JdbcProjectionStore.open(url(), options);
      opened.add(store);
      return store;
    }

    JdbcStoreOptions options() {
      return JdbcStoreOptions.builder().tablePrefix(prefix).poolSize(2).build();
    }

    @Test
    @DisplayName("a lease is judged by the database's clock, not by the store's clock")
    void databaseClockDecides() {
      JdbcStoreOptions farAhead = JdbcStoreOptions.builder().tablePrefix(prefix).poolSize(2)
          .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(3))).build();
      JdbcProjectionStore store = open(farAhead);
      Instant before = Instant.now();

      Lease lease = store.acquireLease("g", "r", "node-a", LONG).orElseThrow();

      Instant after = Instant.now();
      assertThat(lease.expired()).isFalse();
      assertThat(lease.remaining()).isPositive().isLessThanOrEqualTo(LONG);
      // the database runs beside the tests: its clock is this machine's, within a generous margin
      assertThat(lease.expiresAt()).isBetween(before.plus(LONG).minusSeconds(60),
          after.plus(LONG).plusSeconds(60));
      assertThat(open().acquireLease("g", "r", "node-b", LONG)).as("taken by another owner").isEmpty();
    }

    @Test
    @DisplayName("a connection lost while taking or releasing a lease is a transient StoreException, and takes nothing")
    void outageIsTransient() {
      JdbcProjectionStore healthy = open();
      healthy.acquireLease("g", "held", "node-a", LONG).orElseThrow();
      JdbcProjectionStore failing = JdbcProjectionStore.create(
          new FaultInjectingDataSource(url(), 0, FaultInjectingDataSource.CRASH), options());
      opened.add(failing);

      StoreException taking = catchThrowableOfType(StoreException.class,
          () -> failing.acquireLease("g", "free", "node-b", LONG));
      StoreException releasing = catchThrowableOfType(StoreException.class,
          () -> failing.releaseLease("g", "held", "node-a"));

      assertThat(taking).isNotNull();
      assertThat(taking.isTransient()).as("taking: " + taking.getMessage()).isTrue();
      assertThat(taking.getMessage()).contains("lease 'free'");
      assertThat(releasing).isNotNull();
      assertThat(releasing.isTransient()).as("releasing: " + releasing.getMessage()).isTrue();
      assertThat(healthy.leases("g")).extracting(Lease::resource, Lease::owner)
          .containsExactly(tuple("held", "node-a"));
    }

    @Test
    @DisplayName("of owners racing on separate pools for an expired lease, exactly one takes it, with a greater epoch")
    void expiredLeaseRace() throws Exception {
      int racers = 5;
      List<JdbcProjectionStore> stores = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        stores.add(open());
      }
      long epoch = stores.get(0).acquireLease("g", "r", "first", SHORT).orElseThrow().epoch();
      for (int round = 0; round < 4; round++) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
            .until(() -> stores.get(0).leases("g").get(0).expired());
        List<Callable<Optional<Lease>>> calls = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
          JdbcProjectionStore store = stores.get(i);
          String owner = "node-" + round + "-" + i;
          calls.add(() -> store.acquireLease("g", "r", owner, SHORT));
        }

        List<Lease> winners = race(calls).stream().flatMap(Optional::stream).toList();

        assertThat(winners).as("winners of round %d", round).hasSize(1);
        assertThat(winners.get(0).epoch()).isGreaterThan(epoch);
        epoch = winners.get(0).epoch();
      }
    }

    @Test
    @DisplayName("a released lease taken again gets a greater epoch")
    void epochGrowsAcrossRelease() {
      JdbcProjectionStore store = open();
      long first = store.acquireLease("g", "r", "node-a", LONG).orElseThrow().epoch();
      assertThat(store.releaseLease("g", "r", "node-a")).isTrue();

      assertThat(store.leases("g")).as("a released lease is not listed").isEmpty();
      assertThat(store.acquireLease("g", "r", "node-a", LONG).orElseThrow().epoch()).isGreaterThan(first);
    }

    @Test
    @DisplayName("a partition's commit costs one query more than an unpartitioned one, whatever the number of documents")
    void partitionCommitCost() {
      FaultInjectingDataSource counting = FaultInjectingDataSource.counting(url());
      JdbcProjectionStore store = JdbcProjectionStore.create(counting, options());
      opened.add(store);
      store.prepareReadModel(ORDERS);
      String key = ProjectionIds.partitionKey("p", 0);
      long token = store.claimWriter(key);
      List<StoreFixtures.Change> changes = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        changes.add(put("orders", order("o-" + i, "NEW", "c", i, 1)));
      }
      int before = counting.statements();

      store.commit(Commit.batch(token, 0, stateAt(key, 10), StoreFixtures.grouped(changes)).inPartition(0));

      boolean postgres = url().startsWith("jdbc:postgresql:");
      assertThat(counting.statements() - before).as("state update, batched upsert, partition check"
              + (postgres ? ", and PostgreSQL's bound on the commit's statements" : ""))
          .isEqualTo(postgres ? 4 : 3);
      assertThat(store.count("orders")).isEqualTo(300);
    }

    @Test
    @DisplayName("tables of schema version 1 are migrated: documents kept for no partition, leases available")
    void migratesVersionOne() {
      try (JdbcDatabase database = JdbcDatabase.open(url(), 1, Duration.ofSeconds(10))) {
        database.jdbi().useHandle(handle -> createVersionOne(handle, database.dialect()));
      }

      JdbcProjectionStore store = open();
      try (JdbcDatabase database = JdbcDatabase.open(url(), 1, Duration.ofSeconds(10))) {
        Map<String, SqlDialect.Column> columns = database.jdbi().withHandle(handle ->
            database.dialect().columns(handle, null, prefix + "rm_orders"));
        assertThat(columns).as("columns of the read model's table after opening, before it is prepared")
            .containsKey("doc_partition");
      }
      store.prepareReadModel(ORDERS);

      assertThat(store.find("orders", "old").orElseThrow().indexValues()).containsEntry("status", "NEW");
      assertThat(store.findByIndex("orders", "status", "NEW")).hasSize(1);
      try (JdbcDatabase database = JdbcDatabase.open(url(), 1, Duration.ofSeconds(10))) {
        int version = database.jdbi().withHandle(handle -> handle.createQuery(
            "SELECT schema_version FROM " + prefix + "schema_version WHERE id = 1")
            .mapTo(Integer.class).one());
        assertThat(version).isEqualTo(JdbcProjectionStore.SCHEMA_VERSION).isEqualTo(2);
      }
      String key = ProjectionIds.partitionKey("p", 1);
      long token = store.claimWriter(key);
      store.commit(Commit.batch(token, 0, stateAt(key, 2), StoreFixtures.grouped(List.of(
          put("orders", order("old", "PAID", "c", 2, 2))))).inPartition(1));
      assertThat(store.find("orders", "old").orElseThrow().json()).contains("PAID");
      assertThat(store.acquireLease("g", "r", "node-a", LONG)).isPresent();
    }

    /** The tables exactly as version 1 of the store made them, with one document. */
    private void createVersionOne(Handle handle, SqlDialect dialect) {
      String key = dialect.keyType();
      String text = dialect.textType();
      String options = dialect.tableOptions();
      handle.execute("CREATE TABLE " + prefix + "schema_version (id INT NOT NULL PRIMARY KEY,"
          + " schema_version INT NOT NULL)" + options);
      handle.execute("INSERT INTO " + prefix + "schema_version (id, schema_version) VALUES (1, 1)");
      handle.execute("CREATE TABLE " + prefix + "state (projection_id VARCHAR(100) NOT NULL PRIMARY KEY,"
          + " last_event_id " + text + " NULL, last_position BIGINT NOT NULL, error_count BIGINT NOT NULL,"
          + " healthy BOOLEAN NOT NULL, last_error " + text + " NULL, failed_position BIGINT NOT NULL,"
          + " updated_at VARCHAR(40) NOT NULL, writer_token BIGINT NOT NULL)" + options);
      handle.execute("CREATE TABLE " + prefix + "dead_letter (projection_id VARCHAR(100) NOT NULL,"
          + " event_position BIGINT NOT NULL, event_id " + text + " NOT NULL, stream_id " + text
          + " NOT NULL, event_type " + text + " NOT NULL, envelope_json " + text + " NOT NULL,"
          + " handler_name " + text + " NOT NULL, error_type " + text + " NOT NULL, error_message "
          + text + " NOT NULL, stack_trace " + text + " NOT NULL, attempts INT NOT NULL,"
          + " first_failure_at VARCHAR(40) NOT NULL, last_failure_at VARCHAR(40) NOT NULL,"
          + " PRIMARY KEY (projection_id, event_position))" + options);
      handle.execute("CREATE TABLE " + prefix + "rm_orders (id " + key + " NOT NULL PRIMARY KEY,"
          + " doc_json " + dialect.documentType() + " NOT NULL, doc_position BIGINT NOT NULL,"
          + " ix_status " + key + " NULL, ix_customer_id " + key + " NULL)" + options);
      handle.createUpdate("INSERT INTO " + prefix + "rm_orders (id, doc_json, doc_position, ix_status,"
              + " ix_customer_id) VALUES ('old', " + dialect.documentParameter("json") + ", 1, 'NEW', 'c')")
          .bind("json", "{\"status\":\"NEW\"}").execute();
    }
  }

  /** Runs the calls at once, each on its own thread, and returns their results in order. */
  private static <T> List<T> race(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> call : calls) {
        futures.add(pool.submit(() -> {
          start.await();
          return call.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Nested
  @DisplayName("on H2")
  class OnH2 extends OnDatabase {

    private final String url = "jdbc:h2:mem:leases-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @Override
    String url() {
      return url;
    }

    @Override
    void dropTables() throws SQLException {
      try (Connection connection = DriverManager.getConnection(url)) {
        connection.createStatement().execute("SHUTDOWN");
      }
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends OnDatabase {

    @Override
    String url() {
      return JdbcTestDatabases.postgres();
    }

    @Override
    void dropTables() throws SQLException {
      JdbcTestDatabases.dropTablesWithPrefix(url(), prefix);
    }
  }

  @Nested
  @DisplayName("on MariaDB")
  class OnMariaDb extends OnDatabase {

    @Override
    String url() {
      return JdbcTestDatabases.mariadb();
    }

    @Override
    void dropTables() throws SQLException {
      JdbcTestDatabases.dropTablesWithPrefix(url(), prefix);
    }
  }
}
