package io.orchestrix.projection.jdbc.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/** Opens the HikariCP pool a database runs on when opened from a URL. Stateless and thread-safe. */
final class Pools {

  private Pools() {}

  /**
   * A pool on the URL (with the dialect's settings added), in READ COMMITTED, with one connection
   * opened at once, so that a wrong URL or an unreachable server fails here.
   *
   * @param description the URL without its password, for messages
   * @throws StoreConfigurationException if no driver accepts the URL, or the database says the URL or
   *     the place it names is wrong (unknown database, wrong password, an H2 file that cannot be
   *     created)
   * @throws StoreException (transient) if the database cannot be reached
   */
  static HikariDataSource open(String url, String description, SqlDialect dialect, int poolSize,
      Duration connectionTimeout) {
    HikariConfig config = new HikariConfig();
    String poolUrl = dialect.poolUrl(url);
    config.setJdbcUrl(poolUrl);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(1, poolSize));
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.setInitializationFailTimeout(1);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    dialect.sessionSetup().ifPresent(config::setConnectionInitSql);
    config.setPoolName("orchestrix-projections-" + Integer.toHexString(System.identityHashCode(config)));
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw openFailure(e, url, poolUrl, description, dialect);
    }
  }

  /**
   * One line saying what is wrong. The pool's and the driver's messages may quote the URL with its
   * password: the URL is replaced in them, and the cause is left out of the exception then.
   */
  private static RuntimeException openFailure(RuntimeException failure, String url, String poolUrl,
      String description, SqlDialect dialect) {
    Optional<SQLException> sql = SqlFailures.sqlCause(failure);
    String reason = firstLine(sql.map(SQLException::getMessage).orElse(String.valueOf(failure.getMessage())))
        .replace(poolUrl, description).replace(url, description);
    Throwable cause = mentions(failure, url) || mentions(failure, poolUrl) ? null : failure;
    if (reason.contains("suitable driver") || String.valueOf(failure.getMessage()).contains("driver instance")) {
      return new StoreConfigurationException("malformed JDBC URL '" + description
          + "': no driver accepts it (" + reason + ")", cause);
    }
    Optional<String> problem = sql.flatMap(dialect::configurationProblem);
    if (problem.isPresent()) {
      return new StoreConfigurationException("cannot open " + dialect.name() + " database '"
          + description + "': " + firstLine(problem.get()).replace(poolUrl, description)
          .replace(url, description), cause);
    }
    return StoreException.outage("cannot connect to '" + description + "': " + reason, null, cause);
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  private static boolean mentions(Throwable failure, String url) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains(url) || t.getCause() == t) {
        return true;
      }
    }
    return false;
  }
}
