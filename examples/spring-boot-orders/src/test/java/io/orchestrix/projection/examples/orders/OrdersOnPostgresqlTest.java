package io.orchestrix.projection.examples.orders;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on PostgreSQL, as set by {@code spring.datasource.url}: the database of
 * {@code PROJECTION_TEST_POSTGRES_URL}, else the local default; its tables (prefix {@code ord_}) are
 * dropped first so each run starts empty.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "orchestrix.projections.store.properties.table-prefix=ord_",
    "orchestrix.projections.source.properties.table-prefix=ord_",
    "orchestrix.projections.read-your-writes-timeout=1s"})
class OrdersOnPostgresqlTest extends OrdersHttpContract {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) throws SQLException {
    String url = System.getenv().getOrDefault("PROJECTION_TEST_POSTGRES_URL",
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    dropTables(url, "ord_");
    registry.add("spring.datasource.url", () -> url);
  }

  private static void dropTables(String url, String prefix) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = connection.getMetaData().getTables(null, null, prefix + "%",
          new String[] {"TABLE"})) {
        while (rows.next()) {
          tables.add(rows.getString("TABLE_NAME"));
        }
      }
      for (String table : tables) {
        statement.execute("DROP TABLE IF EXISTS \"" + table + "\" CASCADE");
      }
    }
  }
}
