package io.orchestrix.projection.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Clusters whose projection store and event store are tables of one prefix in one JDBC database, and
 * the removal of those tables afterwards. Stateless.
 */
final class JdbcClusters {

  private JdbcClusters() {}

  static String uniquePrefix() {
    return "mn" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  }

  /** A cluster on the database's tables of this prefix, for both stores. */
  static MultiNodeCluster cluster(String url, String prefix, int events, int partitions,
      int leaseSeconds) {
    return new MultiNodeCluster(stores(url, prefix), events, partitions, leaseSeconds);
  }

  /** Both stores in the database's tables of this prefix. */
  static MultiNodeCluster.Stores stores(String url, String prefix) {
    Map<String, String> properties = Map.of("table-prefix", prefix);
    return new MultiNodeCluster.Stores(url, properties, url, properties);
  }

  /** Drops every table of the prefix, in PostgreSQL or MariaDB. */
  static void dropTables(String url, String prefix) throws SQLException {
    boolean mariadb = url.startsWith("jdbc:mariadb:");
    try (Connection connection = DriverManager.getConnection(url);
         Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet found = statement.executeQuery("SELECT table_name FROM"
          + " information_schema.tables WHERE table_schema = "
          + (mariadb ? "database()" : "current_schema()") + " AND table_name LIKE '" + prefix
          + "%'")) {
        while (found.next()) {
          tables.add(found.getString(1));
        }
      }
      for (String table : tables) {
        statement.execute(mariadb ? "DROP TABLE IF EXISTS `" + table + "`"
            : "DROP TABLE IF EXISTS \"" + table + "\" CASCADE");
      }
    }
  }
}
