package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.spi.support.StoreUris;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

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
    String scheme = ProjectionStoreProviders.schemeOf(url);
    return forScheme(scheme).orElseThrow(() -> new StoreConfigurationException(
        "the JDBC store opens " + new java.util.TreeSet<>(schemes()) + " URLs, not '"
            + description + "'", null));
  }

  /**
   * The dialect of a database, from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
   *
   * @throws StoreConfigurationException if the database is not supported
   */
  /** The dialect of a caller's database, and its URL without password, for messages. */
  public record Connected(Dialect dialect, String redactedUrl) {}

  /**
   * Asks a caller's Jdbi which database it reaches.
   *
   * @throws StoreException (transient) if the database cannot be reached
   * @throws StoreConfigurationException if the database is not supported
   */
  public static Connected of(Jdbi jdbi) {
    String product;
    String url;
    try {
      String[] found = jdbi.withHandle(handle -> new String[] {
          handle.getConnection().getMetaData().getDatabaseProductName(),
          String.valueOf(handle.getConnection().getMetaData().getURL())});
      product = found[0];
      url = StoreUris.redact(found[1]);
    } catch (JdbiException | SQLException e) {
      throw StoreException.outage("cannot reach the database of the given data source: " + e.getMessage(), null, e);
    }
    return new Connected(forProductName(product, "the given data source (" + url + ")"), url);
  }

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
