package io.orchestrix.projection.jdbc.support;

import com.zaxxer.hikari.HikariDataSource;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.support.StoreUris;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/**
 * One database the JDBC modules work on: a {@link Jdbi} on it, its {@link SqlDialect}, its URL without
 * password for messages, and the pool it was opened with, if it owns one. Opening checks the URL before
 * any connection is made and checks that the connection keeps text exactly
 * ({@link SqlDialect#requireExactText}). Thread-safe.
 */
public final class JdbcDatabase implements AutoCloseable {

  /** How often a schema change that lost a race with another process is tried. */
  private static final int SCHEMA_CHANGE_ATTEMPTS = 5;

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final String redactedUrl;
  private final @Nullable HikariDataSource ownedPool;

  private JdbcDatabase(Jdbi jdbi, SqlDialect dialect, String redactedUrl,
      @Nullable HikariDataSource ownedPool) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.redactedUrl = redactedUrl;
    this.ownedPool = ownedPool;
  }

  /**
   * The JDBC URL schemes there is a dialect for: {@code jdbc:postgresql}, {@code jdbc:mariadb},
   * {@code jdbc:h2}.
   *
   * @return the schemes
   */
  public static Set<String> schemes() {
    return JdbcUrls.schemes();
  }

  /**
   * The database a JDBC URL names, after the same checks as {@link #open}, without connecting.
   *
   * @param url the JDBC URL; not null
   * @return the database product
   * @throws StoreConfigurationException for an unsupported or incomplete URL
   */
  public static SqlDialect.Product productOf(String url) {
    return JdbcUrls.check(Objects.requireNonNull(url, "url must not be null")).product();
  }

  /**
   * Opens a HikariCP pool of its own on a JDBC URL, in READ COMMITTED, closed by {@link #close()}.
   * The URL must name its host and database (PostgreSQL, MariaDB) or its database (H2): no driver
   * default is used. The dialect adds the settings it needs to the URL unless the URL sets them.
   *
   * @param poolSize the most connections of the pool
   * @param connectionTimeout how long to wait for a connection
   * @param url the JDBC URL; not null
   * @return the database, owning its new pool
   * @throws StoreConfigurationException for an unsupported or incomplete URL, a URL the database
   *     refuses (unknown database, wrong password, an H2 file that cannot be created), or a connection
   *     that would not keep text exactly; the message is one line without the password
   * @throws StoreException (transient) if the server cannot be reached
   */
  public static JdbcDatabase open(String url, int poolSize, Duration connectionTimeout) {
    Objects.requireNonNull(url, "url must not be null");
    Objects.requireNonNull(connectionTimeout, "connectionTimeout must not be null");
    SqlDialect dialect = JdbcUrls.check(url);
    String redacted = StoreUris.redact(url);
    HikariDataSource pool = Pools.open(url, redacted, dialect, poolSize, connectionTimeout);
    JdbcDatabase database = new JdbcDatabase(Jdbi.create(pool), dialect, redacted, pool);
    try {
      database.requireExactText();
      return database;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * The database a caller's {@link Jdbi} reaches, whose connections {@link #close()} leaves alone. The
   * dialect is read from the database's metadata.
   *
   * @param jdbi the caller's Jdbi; not null
   * @return the database
   * @throws StoreConfigurationException if the database is not PostgreSQL, MariaDB or H2, or its
   *     connection would not keep text exactly
   * @throws StoreException (transient) if the database cannot be reached
   */
  public static JdbcDatabase on(Jdbi jdbi) {
    Objects.requireNonNull(jdbi, "jdbi must not be null");
    String product;
    String url;
    try {
      String[] found = jdbi.withHandle(handle -> {
        DatabaseMetaData meta = handle.getConnection().getMetaData();
        return new String[] {meta.getDatabaseProductName(), String.valueOf(meta.getURL())};
      });
      product = found[0];
      url = StoreUris.redact(found[1]);
    } catch (JdbiException | SQLException e) {
      throw StoreException.outage("cannot reach the database of the given data source: "
          + e.getMessage(), null, e);
    }
    JdbcDatabase database = new JdbcDatabase(jdbi, dialectOfProduct(product, url), url, null);
    database.requireExactText();
    return database;
  }

  private static SqlDialect dialectOfProduct(String productName, String url) {
    String name = productName.toLowerCase(Locale.ROOT);
    SqlDialect.Product product = name.contains("postgres") ? SqlDialect.Product.POSTGRESQL
        : name.contains("mariadb") || name.contains("mysql") ? SqlDialect.Product.MARIADB
        : name.equals("h2") ? SqlDialect.Product.H2 : null;
    if (product == null) {
      throw new StoreConfigurationException("the JDBC store supports PostgreSQL, MariaDB and H2, but"
          + " the given data source (" + url + ") is " + productName, null);
    }
    return JdbcUrls.forProduct(product).orElseThrow();
  }

  private void requireExactText() {
    try {
      jdbi.useHandle(handle -> dialect.requireExactText(handle, redactedUrl));
    } catch (JdbiException e) {
      throw SqlFailures.translate(dialect, "checking the character set", redactedUrl, null, e);
    }
  }

  /** {@return Jdbi on the database's connections} */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** {@return the database's dialect} */
  public SqlDialect dialect() {
    return dialect;
  }

  /** {@return the database's URL without its password, for messages} */
  public String redactedUrl() {
    return redactedUrl;
  }

  /**
   * Whether this database was opened with a pool of its own ({@link #open}), whose connections are
   * in READ COMMITTED; false for a caller's {@link Jdbi}, whose isolation is the caller's.
   *
   * @return whether {@link #close()} closes the pool
   */
  public boolean ownsPool() {
    return ownedPool != null;
  }

  /**
   * Runs schema changes on one connection while holding the schema lock of these tables (so that
   * processes opening the same tables at once do not race), after creating the schema if the names
   * have one. A change that fails for a reason other than an outage (a race lost to another process)
   * is tried again after a short pause, up to 5 times. The changes must be idempotent ({@code IF NOT EXISTS}).
   *
   * @param names the tables' names, whose schema is created first if they have one
   * @param changes the idempotent schema changes, run on a connection holding the lock
   * @throws JdbiException or {@link IllegalStateException} of the last attempt; a
   *     {@link io.orchestrix.projection.ProjectionException} raised by the changes passes at once
   */
  public void changeSchema(TableNames names, Consumer<Handle> changes) {
    for (int attempt = 1; ; attempt++) {
      try {
        jdbi.useHandle(handle -> {
          if (names.schema() != null) {
            handle.execute(dialect.createSchema(names.schema()));
          }
          dialect.withSchemaLock(handle, names.lockName(), () -> changes.accept(handle));
        });
        return;
      } catch (JdbiException | IllegalStateException e) {
        boolean outage = SqlFailures.sqlCause(e).map(dialect::isTransient).orElse(false);
        if (attempt >= SCHEMA_CHANGE_ATTEMPTS || outage) {
          throw e;
        }
        pauseAfterLostRace(attempt, e);
      }
    }
  }

  /**
   * Gives the process that won the race time to finish its changes, longer after each lost attempt
   * (50, 100, 150, 200 ms), so that the next attempt finds them done rather than half made.
   */
  private static void pauseAfterLostRace(int attempt, RuntimeException lost) {
    try {
      Thread.sleep(50L * attempt);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      lost.addSuppressed(interrupted);
      throw lost;
    }
  }

  /**
   * Closes the pool this database opened; does nothing for a caller's {@link Jdbi}. Idempotent.
   *
   * @throws StoreException (not transient) if closing fails
   */
  @Override
  public void close() {
    if (ownedPool != null) {
      try {
        ownedPool.close();
      } catch (RuntimeException e) {
        throw StoreException.failure("closing the pool of " + redactedUrl + " failed: "
            + e.getMessage(), null, e);
      }
    }
  }

  @Override
  public String toString() {
    return dialect.name() + " " + redactedUrl;
  }
}
