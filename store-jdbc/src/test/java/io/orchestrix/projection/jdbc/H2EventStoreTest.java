package io.orchestrix.projection.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

/** The event store on embedded H2, in memory: runs everywhere, with nothing to set up. */
@DisplayName("JDBC event store on H2")
class H2EventStoreTest extends JdbcEventStoreContract {

  private String url;

  @BeforeEach
  void freshDatabase() {
    url = "jdbc:h2:mem:events-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  @Override
  String url() {
    return url;
  }

  @Override
  void dropTables(String prefix) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.createStatement().execute("SHUTDOWN");
    }
  }
}
