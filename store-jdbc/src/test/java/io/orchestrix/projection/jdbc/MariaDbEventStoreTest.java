package io.orchestrix.projection.jdbc;

import java.sql.SQLException;
import org.junit.jupiter.api.DisplayName;

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
}
