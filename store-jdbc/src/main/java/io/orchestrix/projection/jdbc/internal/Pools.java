package io.orchestrix.projection.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Opens and closes the HikariCP pool a store runs on when opened from a URL. Stateless and
 * thread-safe.
 */
public final class Pools {

  private Pools() {}

  /**
   * A pool on the URL (with the dialect's settings added), in READ COMMITTED.
   *
   * @param description the URL without its password, for messages
   * @throws StoreConfigurationException if no driver accepts the URL
   * @throws StoreException (transient) if the database cannot be reached
   */
  public static HikariDataSource open(String url, String description, Dialect dialect, int poolSize,
      long connectionTimeoutMillis) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(dialect.poolUrl(url));
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(1, poolSize));
    config.setConnectionTimeout(connectionTimeoutMillis);
    config.setInitializationFailTimeout(1);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setPoolName("orchestrix-projections-" + Integer.toHexString(System.identityHashCode(config)));
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      Optional<SQLException> sql = SqlErrors.sqlCause(e);
      String reason = sql.map(SQLException::getMessage).orElse(String.valueOf(e.getMessage()));
      boolean noDriver = reason.contains("suitable driver") || String.valueOf(e.getMessage())
          .contains("driver instance");
      // the pool's own messages may quote the URL with its password: keep them out of the chain then
      Throwable cause = mentions(e, url) ? null : e;
      if (noDriver) {
        throw new StoreConfigurationException("malformed JDBC URL '" + description + "': no driver accepts"
            + " it (" + reason.replace(url, description) + ")", cause);
      }
      throw StoreException.outage("cannot connect to '" + description + "': " + reason.replace(url, description), null, cause);
    }
  }

  /**
   * Closes a pool the store opened; does nothing for null (a pool the application owns).
   *
   * @throws StoreException (not transient) if closing fails
   */
  public static void close(@Nullable AutoCloseable ownedPool, String description) {
    if (ownedPool != null) {
      try {
        ownedPool.close();
      } catch (Exception e) {
        throw StoreException.failure("closing the pool of " + description + " failed: " + e.getMessage(), null, e);
      }
    }
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
