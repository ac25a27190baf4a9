package io.orchestrix.projection.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Data sources as an application would define them: a pool on H2 in memory or on PostgreSQL. */
final class StarterTestDataSources {

  private StarterTestDataSources() {}

  /** A pool on a fresh H2 in-memory database, gone when the pool closes. */
  static HikariDataSource h2() {
    return pool("jdbc:h2:mem:starter-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
  }

  static HikariDataSource pool(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  /** Drops every table whose name starts with the prefix, so a test starts on empty tables. */
  static void dropTables(DataSource dataSource, String prefix) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = connection.getMetaData().getTables(null, null, prefix + "%", new String[] {"TABLE"})) {
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
