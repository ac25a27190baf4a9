package io.orchestrix.projection.jdbc.support;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Turns JDBC and Jdbi failures into {@link StoreException}s. Stateless and thread-safe. */
public final class SqlFailures {

  private SqlFailures() {}

  /**
   * The first {@link SQLException} in a cause chain, if any.
   *
   * @param failure the failure
   * @return the first SQL exception in it or its causes, or empty
   */
  public static Optional<SQLException> sqlCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return Optional.of(sql);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * A StoreException for a failed operation: transient if the dialect says the SQL error is an
   * outage, fatal otherwise. The message names the operation, the place and the database's reason
   * with its SQL state and error code.
   *
   * @param operation what was being done, e.g. "committing projection 'p'"
   * @param where the store's description (no password)
   * @param projectionId the projection concerned, or null
   * @param dialect the database's dialect, which reads the error codes
   * @param failure the failure to translate
   * @return the store exception, transient for an outage
   */
  public static StoreException translate(SqlDialect dialect, String operation, String where,
      @Nullable String projectionId, RuntimeException failure) {
    Optional<SQLException> sql = sqlCause(failure);
    boolean outage = sql.map(dialect::isTransient).orElse(false);
    String detail = sql.map(e -> e.getMessage() + " (SQLState " + e.getSQLState() + ", error "
        + e.getErrorCode() + ")").orElse(String.valueOf(failure.getMessage()));
    return StoreException.of(operation + " failed on " + where + (outage
        ? " (transient: retrying later may succeed): " : ": ") + detail, projectionId,
        outage ? FailureKind.TRANSIENT : FailureKind.FATAL, failure);
  }
}
