package io.orchestrix.projection.jdbc;

import org.junit.jupiter.api.DisplayName;

/** The contract kit on PostgreSQL (PROJECTION_TEST_POSTGRES_URL). */
@DisplayName("JDBC store on PostgreSQL")
class PostgresStoreContractTest extends JdbcStoreContractTest {

  @Override
  String url() {
    return JdbcTestDatabases.postgres();
  }
}
