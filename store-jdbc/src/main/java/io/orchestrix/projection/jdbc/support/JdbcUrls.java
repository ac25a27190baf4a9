package io.orchestrix.projection.jdbc.support;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.spi.support.StoreUris;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JDBC URLs the JDBC modules open, checked before any connection is made: a driver's defaults
 * (pgjdbc's {@code localhost} and the operating-system user's database, MariaDB's "no database") are
 * never used silently. Stateless and thread-safe.
 */
final class JdbcUrls {

  private static final Map<String, SqlDialect> BY_SCHEME = Map.of(
      "jdbc:postgresql", new PostgresDialect(),
      "jdbc:mariadb", new MariaDbDialect(),
      "jdbc:h2", new H2Dialect());

  private JdbcUrls() {}

  /** The JDBC URL schemes there is a dialect for. */
  static Set<String> schemes() {
    return BY_SCHEME.keySet();
  }

  /** The dialect of a database product, if it is one there is a dialect for. */
  static Optional<SqlDialect> forProduct(SqlDialect.Product product) {
    return BY_SCHEME.values().stream().filter(d -> d.product() == product).findFirst();
  }

  /**
   * The dialect of a JDBC URL, after checking that the URL names what the driver would otherwise
   * default: a host and a database for PostgreSQL and MariaDB, a named database for H2.
   *
   * @throws StoreConfigurationException naming the URL without its password and what is missing
   */
  static SqlDialect check(String url) {
    String redacted = StoreUris.redact(url);
    String scheme = ProjectionStoreProviders.schemeOf(url);
    SqlDialect dialect = BY_SCHEME.get(scheme.toLowerCase(Locale.ROOT));
    if (dialect == null) {
      throw new StoreConfigurationException("the JDBC store opens " + new TreeSet<>(schemes())
          + " URLs, not '" + redacted + "'", null);
    }
    switch (dialect.product()) {
      case POSTGRESQL, MARIADB -> requireHostAndDatabase(url, dialect);
      case H2 -> requireH2Database(url, redacted);
    }
    return dialect;
  }

  /** {@code jdbc:postgresql://host[:port][,host...]/database[?...]}, and MariaDB's likewise. */
  private static void requireHostAndDatabase(String url, SqlDialect dialect) {
    if (!url.contains("://")) {
      String redacted = StoreUris.redact(url);
      throw new StoreConfigurationException("JDBC URL '" + redacted + "' names no host; write "
          + example(dialect) + " (the driver would otherwise pick a host and database of its own)",
          null);
    }
    StoreUris.parseHierarchical(url).requireDatabase("database");
  }

  private static String example(SqlDialect dialect) {
    return dialect.product() == SqlDialect.Product.POSTGRESQL
        ? "jdbc:postgresql://host:5432/database?user=..." : "jdbc:mariadb://host:3306/database?user=...";
  }

  /**
   * {@code jdbc:h2:[file:|mem:|tcp://host/|...]name[;SETTING=...]}: a name is required, and an
   * in-memory database must be named, since an unnamed one is private to each connection of the pool.
   */
  private static void requireH2Database(String url, String redacted) {
    String rest = url.substring("jdbc:h2:".length());
    int settings = rest.indexOf(';');
    String database = (settings < 0 ? rest : rest.substring(0, settings)).trim();
    String lower = database.toLowerCase(Locale.ROOT);
    if (lower.startsWith("tcp://") || lower.startsWith("ssl://")) {
      StoreUris.parseHierarchical(settings < 0 ? url : url.substring(0, "jdbc:h2:".length() + settings))
          .requireDatabase("database");
      return;
    }
    if (database.isEmpty() || database.endsWith(":")) {
      throw new StoreConfigurationException("JDBC URL '" + redacted + "' names no H2 database; write"
          + " for example jdbc:h2:file:./data/projections or jdbc:h2:mem:name;DB_CLOSE_DELAY=-1", null);
    }
  }
}
