package io.orchestrix.projection.eventstore.jdbc.internal;

import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Work in READ COMMITTED, which the event store's ordering proof relies on. The pool the store opens
 * is in READ COMMITTED already (HikariCP sets it on every connection and restores it on return); on a
 * caller's pool Jdbi sets it for the transaction and restores the connection's own level after, which
 * costs a round trip on PostgreSQL. Stateless and thread-safe.
 */
public final class ReadCommitted {

  private ReadCommitted() {}

  /** A transaction in READ COMMITTED. */
  public static <T> T transaction(JdbcDatabase database, HandleCallback<T, RuntimeException> work) {
    return database.ownsPool() ? database.jdbi().inTransaction(work)
        : database.jdbi().inTransaction(TransactionIsolationLevel.READ_COMMITTED, work);
  }

  /**
   * One read in READ COMMITTED: on the store's own pool a single statement in auto-commit, whose
   * snapshot is taken when the statement starts; on the caller's pool a READ COMMITTED transaction.
   */
  public static <T> T read(JdbcDatabase database, HandleCallback<T, RuntimeException> work) {
    return database.ownsPool() ? database.jdbi().withHandle(work) : transaction(database, work);
  }
}
