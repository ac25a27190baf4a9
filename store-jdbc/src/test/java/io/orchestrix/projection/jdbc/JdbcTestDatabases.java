package io.orchestrix.projection.jdbc;

import io.orchestrix.projection.tck.TestServers;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The databases the JDBC modules' tests run on, and cleanup of a test's tables; shared with
 * event-store-jdbc's tests through this module's test jar.
 */
public final class JdbcTestDatabases {

  private JdbcTestDatabases() {}

  /** PostgreSQL from PROJECTION_TEST_POSTGRES_URL; aborts (or fails under CI) without it. */
  public static String postgres() {
    return TestServers.require(TestServers.Server.POSTGRES);
  }

  /** MariaDB from PROJECTION_TEST_MARIADB_URL; aborts (or fails under CI) without it. */
  public static String mariadb() {
    return TestServers.require(TestServers.Server.MARIADB);
  }

  /** Drops every table whose name starts with the prefix (PostgreSQL and MariaDB). */
  public static void dropTablesWithPrefix(String url, String prefix) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      DatabaseMetaData meta = connection.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables(connection.getCatalog(), null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String name = rs.getString("TABLE_NAME");
          String schema = rs.getString("TABLE_SCHEM");
          if (name.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            tables.add(schema == null ? name : schema + "." + name);
          }
        }
      }
      try (Statement statement = connection.createStatement()) {
        for (String table : tables) {
          statement.execute("DROP TABLE IF EXISTS " + table);
        }
      }
    }
  }
}
