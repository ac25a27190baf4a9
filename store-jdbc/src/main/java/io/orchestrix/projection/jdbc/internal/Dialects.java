package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.StoreConfigurationException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Finds the dialect of a JDBC URL or of a database product name. Stateless and thread-safe. */
public final class Dialects {

  private static final Map<String, Dialect> BY_SCHEME = Map.of(
      "jdbc:postgresql", new PostgresDialect(),
      "jdbc:mariadb", new MariaDbDialect(),
      "jdbc:h2", new H2Dialect());

  private Dialects() {}

  /** The JDBC URL schemes the store opens. */
  public static java.util.Set<String> schemes() {
    return BY_SCHEME.keySet();
  }

  /** The dialect of a scheme such as {@code jdbc:postgresql}, if supported. */
  public static Optional<Dialect> forScheme(String scheme) {
    return Optional.ofNullable(BY_SCHEME.get(scheme.toLowerCase(Locale.ROOT)));
  }

  /**
   * The dialect of a JDBC URL.
   *
   * @param description the URL without its password, for messages
   * @throws StoreConfigurationException if the URL is not a supported JDBC URL
   */
  public static Dialect forUrl(String url, String description) {
    String scheme = io.orchestrix.projection.ProjectionStores.schemeOf(url);
    return forScheme(scheme).orElseThrow(() -> new StoreConfigurationException(
        "the JDBC store opens " + new java.util.TreeSet<>(schemes()) + " URLs, not '"
            + description + "'", null));
  }

  /**
   * The dialect of a database, from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
   *
   * @throws StoreConfigurationException if the database is not supported
   */
  public static Dialect forProductName(String productName, String description) {
    String name = productName.toLowerCase(Locale.ROOT);
    if (name.contains("postgres")) {
      return BY_SCHEME.get("jdbc:postgresql");
    }
    if (name.contains("mariadb") || name.contains("mysql")) {
      return BY_SCHEME.get("jdbc:mariadb");
    }
    if (name.equals("h2")) {
      return BY_SCHEME.get("jdbc:h2");
    }
    throw new StoreConfigurationException("the JDBC store supports PostgreSQL, MariaDB and H2, but "
        + description + " is " + productName, null);
  }
}
