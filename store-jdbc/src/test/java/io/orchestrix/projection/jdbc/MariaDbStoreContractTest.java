package io.orchestrix.projection.jdbc;

import org.junit.jupiter.api.DisplayName;

/** The contract kit on MariaDB (PROJECTION_TEST_MARIADB_URL). */
@DisplayName("JDBC store on MariaDB")
class MariaDbStoreContractTest extends JdbcStoreContractTest {

  @Override
  String url() {
    return JdbcTestDatabases.mariadb();
  }
}
