package io.orchestrix.projection.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

/** The contract kit on embedded H2: a fresh in-memory database per test, shut down afterwards. */
@DisplayName("JDBC store on H2")
class H2StoreContractTest extends JdbcStoreContractTest {

  private String url;

  @BeforeEach
  void freshDatabase() {
    url = "jdbc:h2:mem:contract-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  @Override
  String url() {
    return url;
  }

  @Override
  @AfterEach
  void dropTables() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.createStatement().execute("SHUTDOWN");
    }
  }
}
