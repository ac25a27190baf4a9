package io.orchestrix.projection.examples.orders;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL database the tests use: {@code PROJECTION_TEST_POSTGRES_URL}, else the local
 * default.
 */
final class PostgresDatabase {

  private PostgresDatabase() {}

  static String url() {
    return System.getenv().getOrDefault("PROJECTION_TEST_POSTGRES_URL",
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  }

  /** Drops every table whose name starts with the prefix, so a test starts empty. */
  static void dropTables(String url, String prefix) throws SQLException {
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
