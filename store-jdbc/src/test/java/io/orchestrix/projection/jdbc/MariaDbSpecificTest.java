package io.orchestrix.projection.jdbc;

import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MariaDB specifics: the cost of a commit in statements and a connection killed in a commit. */
@DisplayName("JDBC store on MariaDB: round trips, killed connections")
class MariaDbSpecificTest {

  private static final ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status", "customer_id"));
  private static final ReadModelSchema NOTES = new ReadModelSchema("notes", List.of());

  private @Nullable String url;
  private String prefix;
  private JdbcStoreOptions options;

  @BeforeEach
  void freshPrefix() {
    url = JdbcTestDatabases.mariadb();
    prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    options = JdbcStoreOptions.builder().tablePrefix(prefix).build();
  }

  @AfterEach
  void dropTables() throws SQLException {
    if (url != null) {
      JdbcTestDatabases.dropTablesWithPrefix(url, prefix);
    }
  }

  @Test
  @DisplayName("a commit of 280 documents costs a handful of statements, not one per document")
  void commitCostsAHandfulOfStatements() {
    FaultInjectingDataSource counting = FaultInjectingDataSource.counting(url);
    try (JdbcProjectionStore store = JdbcProjectionStore.create(counting, options)) {
      store.prepareReadModel(ORDERS);
      long token = store.claimWriter("p");
      List<StoreFixtures.Change> changes = new ArrayList<>();
      for (int i = 0; i < 280; i++) {
        changes.add(put("orders", order("o-" + i, "PLACED", "c-" + i % 17, i, 1)));
      }
      int before = counting.statements();
      store.commit(Commit.batch(token, 0, stateAt("p", 1000), StoreFixtures.grouped(changes)));

      assertThat(counting.statements() - before).as("state update and one batched upsert").isEqualTo(2);
      assertThat(store.count("orders")).isEqualTo(280);
    }
  }

  @Test
  @DisplayName("a connection killed by the server in the middle of a commit gives a transient error and leaves nothing")
  void killedConnectionMidCommit() {
    FaultInjectingDataSource killing = new FaultInjectingDataSource(url, 2, connection -> {
      long id;
      try (ResultSet rs = connection.createStatement().executeQuery("SELECT CONNECTION_ID()")) {
        rs.next();
        id = rs.getLong(1);
      }
      try (Connection admin = DriverManager.getConnection(url)) {
        admin.createStatement().execute("KILL CONNECTION " + id);
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
      assertThat(healthy.count("orders") + healthy.count("notes")).isZero();
      healthy.commit(commit);
      assertThat(healthy.count("orders") + healthy.count("notes")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("a database that does not exist or a user the server refuses is a StoreConfigurationException, not an outage")
  void wrongDatabaseOrUserIsConfiguration() {
    String noDatabase = url.replaceFirst("/[^/?]+(\\?|$)", "/" + prefix + "missing$1");
    String noUser = url.replaceFirst("user=[^&]*", "user=" + prefix + "nobody&password=s3cret");

    for (String wrong : List.of(noDatabase, noUser)) {
      StoreConfigurationException failure = catchThrowableOfType(StoreConfigurationException.class,
          () -> JdbcProjectionStore.open(wrong, options).close());
      assertThat(failure).as("failure to open %s", wrong).isNotNull();
      assertThat(failure.getMessage()).contains("cannot open MariaDB database").doesNotContain("s3cret");
    }
  }
}
