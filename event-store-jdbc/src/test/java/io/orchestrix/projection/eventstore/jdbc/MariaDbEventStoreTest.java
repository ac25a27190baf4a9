package io.orchestrix.projection.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import io.orchestrix.projection.jdbc.JdbcTestDatabases;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The event store on MariaDB (PROJECTION_TEST_MARIADB_URL, else the local default port). */
@DisplayName("JDBC event store on MariaDB")
class MariaDbEventStoreTest extends JdbcEventStoreContract {

  @Override
  String url() {
    return JdbcTestDatabases.mariadb();
  }

  @Override
  void dropTables(String prefix) throws SQLException {
    JdbcTestDatabases.dropTablesWithPrefix(url(), prefix);
  }

  @Test
  @DisplayName("an unreachable server is a transient StoreException naming the URL without its password")
  void unreachableServer() {
    StoreException failure = catchThrowableOfType(StoreException.class, () -> JdbcEventStore.open(
        "jdbc:mariadb://127.0.0.1:1/nowhere?user=app&password=s3cret", EventFixtures.accountTypes(),
        Map.of(JdbcStoreOptions.CONNECTION_TIMEOUT_MS, "1000")));

    assertThat(failure).as("opening on a closed port").isNotNull();
    assertThat(failure.isTransient()).isTrue();
    assertThat(failure.getMessage()).contains("127.0.0.1:1").contains("****").doesNotContain("s3cret");
  }
}
