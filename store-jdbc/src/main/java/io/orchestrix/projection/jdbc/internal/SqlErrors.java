package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Turns JDBC and Jdbi failures into {@link StoreException}s. Stateless and thread-safe. */
public final class SqlErrors {

  private SqlErrors() {}

  /** The first {@link SQLException} in a cause chain, if any. */
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
   * outage.
   *
   * @param what what was being done, e.g. "commit of projection 'p'"
   * @param where the store's description (no password)
   */
  public static StoreException toStoreException(
      Dialect dialect, String what, String where, @Nullable String projectionId, RuntimeException failure) {
    Optional<SQLException> sql = sqlCause(failure);
    boolean transientFailure = sql.map(dialect::isTransient).orElse(false);
    String detail = sql.map(e -> e.getMessage() + " (SQLState " + e.getSQLState() + ", error "
        + e.getErrorCode() + ")").orElse(String.valueOf(failure.getMessage()));
    return StoreException.of(what + " failed on " + where + (transientFailure
        ? " (transient: retrying later may succeed): " : ": ") + detail, projectionId,
        transientFailure ? FailureKind.TRANSIENT : FailureKind.FATAL, failure);
  }
}
