package io.orchestrix.projection.jdbc.internal;

import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * What differs between the databases the JDBC store supports: column types, upsert syntax, how to
 * match a list of ids, how to serialise schema changes between processes, and how to read error codes.
 * Implementations are stateless and thread-safe.
 */
public interface Dialect {

  /** The database's name, for messages. */
  String name();

  /** Type of a document id and an index value: up to 512 characters compared byte by byte. */
  String keyType();

  /** Type of a document's JSON. */
  String documentType();

  /** Type of unbounded text (error messages, stack traces, envelopes). */
  String textType();

  /** What follows {@code CREATE TABLE (...)}: engine and character set where needed. */
  String tableOptions();

  /**
   * The URL the store's own pool connects with: the user's URL plus the settings the store needs, when
   * the URL does not set them itself.
   */
  default String poolUrl(String url) {
    return url;
  }

  /** The SQL expression that turns the named text parameter into a stored document. */
  default String documentParameter(String parameter) {
    return ":" + parameter;
  }

  /**
   * An insert-or-replace statement with named parameters, one per column.
   *
   * @param table the qualified table name
   * @param keyColumns the primary-key columns
   * @param columns every column written, key columns first
   * @param values the value expression of each column, in the same order
   */
  String upsert(String table, List<String> keyColumns, List<String> columns, List<String> values);

  /**
   * The condition "column is one of the ids bound with {@link #bindIds}": an {@code IN} list by
   * default; PostgreSQL binds one array instead.
   */
  default String idIsAnyOf(String column) {
    return column + " IN (<ids>)";
  }

  /** Binds the ids that {@link #idIsAnyOf} refers to. */
  default void bindIds(SqlStatement<?> statement, List<String> ids) {
    statement.bindList("ids", ids);
  }

  /** The statement creating a schema (a database on MariaDB) if it does not exist. */
  String createSchema(String schema);

  /**
   * Runs schema changes while holding a lock that other processes opening the same tables also
   * take, so that concurrent opens do not race. {@code lockName} is at most 64 characters.
   */
  void withSchemaLock(Handle handle, String lockName, Runnable changes);

  /**
   * Takes the next {@code count} positions of the event store: increments the one row of the head
   * table and returns its new value, the last position taken. The increment locks the row until the
   * transaction ends, which is what serialises appends (see the event store section of the README).
   * The default is an {@code UPDATE} and a {@code SELECT} of the row just locked.
   */
  default long allocatePositions(Handle handle, String headTable, int count) {
    int updated = handle.createUpdate("UPDATE " + headTable + " SET position = position + :n WHERE id = 1")
        .bind("n", count).execute();
    if (updated != 1) {
      throw new IllegalStateException("the event head table " + headTable + " has no row 1");
    }
    return handle.createQuery("SELECT position FROM " + headTable + " WHERE id = 1")
        .mapTo(Long.class).one();
  }

  /** Whether appends notify listeners when they commit (PostgreSQL LISTEN/NOTIFY). */
  default boolean notifiesAppends() {
    return false;
  }

  /**
   * Queues a notification of an append, delivered by the database when (and only if) the
   * transaction commits. The default does nothing.
   */
  default void notifyAppend(Handle handle, String channel, long lastPosition) {
    // no notifications: readers poll
  }

  /** Whether the error says a table does not exist. */
  boolean isUndefinedTable(SQLException error);

  /** Whether the error says a unique key was violated. */
  boolean isDuplicateKey(SQLException error);

  /**
   * Whether the error is an outage that may pass: lost connection, server shutting down, deadlock or
   * serialisation failure.
   */
  default boolean isTransient(SQLException error) {
    String state = error.getSQLState();
    return error instanceof java.sql.SQLTransientException
        || error instanceof java.sql.SQLRecoverableException
        || error instanceof java.sql.SQLNonTransientConnectionException
        || (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
            || state.startsWith("57P") || state.equals("53300")));
  }

  /**
   * Why this database cannot hold a document, or null if it can; checked before any write.
   *
   * @param json the document's JSON text
   */
  default @org.jspecify.annotations.Nullable String refusalOf(String id, String json, Iterable<String> indexValues) {
    return null;
  }
}
