package io.orchestrix.projection.jdbc;

import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.deadLetter;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.tck.StoreFixtures;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

/** PostgreSQL specifics: the cost of a commit in statements, a killed connection, jsonb limits. */
@DisplayName("JDBC store on PostgreSQL: round trips, killed connections, jsonb")
class PostgresSpecificTest {

  private static final ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status", "customer_id"));
  private static final ReadModelSchema NOTES = new ReadModelSchema("notes", List.of());

  private @Nullable String url;
  private String prefix;
  private JdbcStoreOptions options;

  @BeforeEach
  void freshPrefix() {
    url = JdbcTestDatabases.postgres();
    prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    options = JdbcStoreOptions.builder().tablePrefix(prefix).build();
  }

  @AfterEach
  void dropTables() throws SQLException {
    if (url == null) {
      return;
    }
    JdbcTestDatabases.dropTablesWithPrefix(url, prefix);
  }

  private String batchingUrl() {
    return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  @Test
  @DisplayName("a commit of 280 documents, deletes and dead letters costs a handful of statements, not one per document")
  void commitCostsAHandfulOfStatements() {
    FaultInjectingDataSource counting = FaultInjectingDataSource.counting(batchingUrl());
    try (JdbcProjectionStore store = JdbcProjectionStore.create(counting, options)) {
      store.prepareReadModel(ORDERS);
      store.prepareReadModel(NOTES);
      long token = store.claimWriter("p");
      List<StoreFixtures.Change> changes = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        changes.add(put("orders", order("o-" + i, "PLACED", "c-" + i % 17, i, 1)));
      }
      for (int i = 0; i < 30; i++) {
        changes.add(put("notes", doc("n-" + i, "{\"n\":" + i + "}", Map.of(), 1)));
        changes.add(delete("notes", "gone-" + i));
      }
      Commit big = Commit.batch(token, 0, stateAt("p", 1000), StoreFixtures.grouped(changes),
          List.of(deadLetter("p", 17)));

      int before = counting.statements();
      store.commit(big);
      int used = counting.statements() - before;

      // the bound on the commit's statements (SET LOCAL statement_timeout), state update, orders
      // upserts, notes deletes, notes upserts, dead-letter adds
      assertThat(used).isLessThanOrEqualTo(6);
      assertThat(store.count("orders")).isEqualTo(250);
      assertThat(store.findByIndex("orders", "customer_id", "c-3")).hasSize(15);
      assertThat(store.findAll("orders", List.of("o-1", "o-249", "nope"))).containsOnlyKeys("o-1", "o-249");
    }
  }

  @Test
  @DisplayName("a connection killed by the server in the middle of a commit gives a transient error and leaves nothing; the retry applies")
  void killedConnectionMidCommit() {
    FaultInjectingDataSource killing = new FaultInjectingDataSource(url, 2, connection -> {
      int pid;
      try (ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
      }
      try (Connection admin = DriverManager.getConnection(url);
           ResultSet rs = admin.createStatement().executeQuery("SELECT pg_terminate_backend(" + pid + ")")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("backend %d terminated", pid).isTrue();
      }
    });
    try (JdbcProjectionStore healthy = JdbcProjectionStore.open(url, options);
         JdbcProjectionStore doomed = JdbcProjectionStore.create(killing, options)) {
      for (JdbcProjectionStore each : List.of(healthy, doomed)) {
        each.prepareReadModel(ORDERS);
        each.prepareReadModel(NOTES);
      }
      long token = healthy.claimWriter("p");
      Commit commit = Commit.batch(token, 0, stateAt("p", 5), StoreFixtures.grouped(List.of(
          put("orders", order("o-1", "PLACED", "c", 1, 5)), put("notes", doc("n-1", "{}", Map.of(), 5)))));

      StoreException failure = catchThrowableOfType(StoreException.class, () -> doomed.commit(commit));

      assertThat(failure).as("commit on a killed connection").isNotNull();
      assertThat(failure.isTransient()).as("a killed connection is transient: " + failure.getMessage()).isTrue();
      assertThat(healthy.loadState("p").orElseThrow().lastProcessedPosition()).isZero();
      assertThat(healthy.count("orders")).isZero();
      assertThat(healthy.count("notes")).isZero();
      healthy.commit(commit);
      assertThat(healthy.loadState("p").orElseThrow().lastProcessedPosition()).isEqualTo(5);
      assertThat(healthy.count("orders") + healthy.count("notes")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("the store's own pool survives connections killed between operations")
  void poolRecoversFromKilledConnections() throws SQLException {
    String named = url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + prefix;
    try (JdbcProjectionStore store = JdbcProjectionStore.open(named, options)) {
      store.prepareReadModel(ORDERS);
      long token = store.claimWriter("p");
      try (Connection admin = DriverManager.getConnection(url)) {
        admin.createStatement().executeQuery(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + prefix + "'");
      }
      Commit commit = commit("p", token, 0, 1, List.of(put("orders", order("o-1", "PLACED", "c", 1, 1))));
      // each killed connection the pool hands out fails one call, transiently, and is evicted
      for (int attempt = 1; ; attempt++) {
        try {
          store.commit(commit);
          break;
        } catch (StoreException lost) {
          assertThat(lost.isTransient()).as(lost.getMessage()).isTrue();
          assertThat(attempt).as("attempts until the pool had replaced its killed connections")
              .isLessThanOrEqualTo(options.poolSize());
        }
      }
      assertThat(store.find("orders", "o-1")).isPresent();
    }
  }

  @Test
  @DisplayName("jsonb cannot hold U+0000: such a document is refused before anything is written")
  void nulCharacterRefused() {
    try (JdbcProjectionStore store = JdbcProjectionStore.open(url, options)) {
      store.prepareReadModel(NOTES);
      long token = store.claimWriter("p");

      assertThatThrownBy(() -> store.commit(commit("p", token, 0, 1, List.of(
              put("notes", doc("fine", "{}", Map.of(), 1)), put("notes", doc("nul", "{\"x\":\"a\\u0000b\"}", Map.of(), 1))))))
          .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("nul").hasMessageContaining("U+0000");
      assertThat(store.count("notes")).isZero();
    }
  }

  @Test
  @DisplayName("documents are stored as jsonb with one indexed column per declared index")
  void physicalLayout() throws SQLException {
    try (JdbcProjectionStore store = JdbcProjectionStore.open(url, options)) {
      store.prepareReadModel(ORDERS);
    }
    try (Connection connection = DriverManager.getConnection(url);
         ResultSet rs = connection.createStatement().executeQuery(
             "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '"
                 + prefix + "rm_orders' ORDER BY ordinal_position")) {
      Map<String, String> columns = new java.util.LinkedHashMap<>();
      while (rs.next()) {
        columns.put(rs.getString(1), rs.getString(2));
      }
      assertThat(columns).containsEntry("doc_json", "jsonb").containsKeys("id", "ix_status", "ix_customer_id");
    }
    try (Connection connection = DriverManager.getConnection(url);
         ResultSet rs = connection.createStatement().executeQuery(
             "SELECT indexdef FROM pg_indexes WHERE tablename = '" + prefix + "rm_orders'")) {
      List<String> indexes = new ArrayList<>();
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
      assertThat(indexes).anyMatch(d -> d.contains("(ix_status)")).anyMatch(d -> d.contains("(ix_customer_id)"));
    }
  }

  @Test
  @DisplayName("a database that does not exist or a role the server does not know is a StoreConfigurationException, not an outage")
  void wrongDatabaseOrRoleIsConfiguration() {
    String noDatabase = url.replaceFirst("/[^/?]+(\\?|$)", "/" + prefix + "missing$1");
    String noRole = url.replaceFirst("user=[^&]*", "user=" + prefix + "nobody&password=s3cret");

    for (String wrong : List.of(noDatabase, noRole)) {
      StoreConfigurationException failure = catchThrowableOfType(StoreConfigurationException.class,
          () -> JdbcProjectionStore.open(wrong, options).close());
      assertThat(failure).as("failure to open %s", wrong).isNotNull();
      assertThat(failure.getMessage()).contains("cannot open PostgreSQL database").doesNotContain("s3cret");
    }
  }
}
