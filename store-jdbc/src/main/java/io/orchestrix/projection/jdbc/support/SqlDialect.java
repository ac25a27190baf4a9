package io.orchestrix.projection.jdbc.support;

import io.orchestrix.projection.StoreConfigurationException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * What differs between the databases the JDBC modules support: column types, upsert syntax, how to
 * match a list of ids, how to serialise schema changes between processes, how to check that text is
 * kept exactly, and how to read error codes. Obtained from {@link JdbcDatabase#dialect()};
 * implementations are stateless and thread-safe.
 */
public interface SqlDialect {

  /** The databases there is a dialect for. */
  enum Product {
    /** PostgreSQL, the reference database. */
    POSTGRESQL("PostgreSQL"),
    /** MariaDB (InnoDB). */
    MARIADB("MariaDB"),
    /** H2, embedded or in server mode. */
    H2("H2");

    private final String displayName;

    Product(String displayName) {
      this.displayName = displayName;
    }

    /** {@return the database's name for messages: PostgreSQL, MariaDB or H2} */
    public String displayName() {
      return displayName;
    }
  }

  /** {@return the database this dialect speaks to} */
  Product product();

  /** {@return the database's name, for messages} */
  default String name() {
    return product().displayName();
  }

  /** The longest key text: a document id or an index value. */
  int MAX_KEY_LENGTH = 512;

  /**
   * Type of a document id, an index value or any other key text: up to {@value #MAX_KEY_LENGTH}
   * characters, compared code point by code point, case and trailing spaces included.
   *
   * @return the SQL type of key text
   */
  default String keyType() {
    return keyType(MAX_KEY_LENGTH);
  }

  /**
   * Type of key text of up to {@code maxLength} characters, compared as {@link #keyType()} compares:
   * for keys of several columns, whose total length some databases bound (MariaDB's InnoDB to 3,072
   * bytes).
   *
   * @param maxLength the longest text the column holds, in characters
   * @return the SQL type
   */
  String keyType(int maxLength);

  /** {@return the SQL type of a document's JSON} */
  String documentType();

  /** {@return the SQL type of unbounded text (error messages, stack traces, envelopes)} */
  String textType();

  /** {@return what follows {@code CREATE TABLE (...)}: engine and character set where needed} */
  String tableOptions();

  /**
   * The URL a pool opened by {@link JdbcDatabase#open} connects with: the user's URL plus the settings
   * the JDBC modules need, when the URL does not set them itself.
   *
   * @param url the user's JDBC URL
   * @return the URL to connect with
   */
  default String poolUrl(String url) {
    return url;
  }

  /**
   * How long the server lets a session sit idle inside a transaction before it ends the session and
   * rolls the transaction back: {@value #STALLED_TRANSACTION_SECONDS} s. A node that stops between two
   * statements of a commit or of a lease's claim (a long GC pause, {@code SIGSTOP}, a frozen VM) would
   * otherwise keep its row locks for as long as it is stopped, and every other node claiming the same
   * partition would wait behind them: no takeover however long ago its lease expired. Keep leases at
   * least this long, so that a stopped node's partitions pass on within the lease time. The library's
   * own transactions run their statements back to back, so a healthy node never waits this long.
   */
  int STALLED_TRANSACTION_SECONDS = 5;

  /**
   * The SQL that a pool opened by {@link JdbcDatabase#open} runs on each new connection, if any: it
   * limits how long a stalled transaction may hold its locks ({@link #STALLED_TRANSACTION_SECONDS}).
   * A data source the application passes in is its own to configure.
   *
   * @return the SQL to run on each new connection, or empty
   */
  default Optional<String> sessionSetup() {
    return Optional.empty();
  }

  /**
   * The SQL that bounds the statements of the transaction it runs in to
   * {@value #STALLED_TRANSACTION_SECONDS} s, if the database needs it: a batch's commit and a lease's
   * claim, never a reset or a schema change, which may rightly take longer. On PostgreSQL a node that
   * stops while the server is still receiving one of its statements (the extended protocol's messages
   * up to Sync) is not idle in its transaction, so only a statement timeout ends it and frees the locks
   * that other nodes taking over its partitions wait for.
   *
   * @return the SQL to run first in such a transaction, or empty
   */
  default Optional<String> boundedStatements() {
    return Optional.empty();
  }

  /**
   * The SQL expression that turns the named text parameter into a stored JSON document.
   *
   * @param parameter the parameter's name, without its colon
   * @return the SQL expression
   */
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
   * @return the SQL statement
   */
  String upsert(String table, List<String> keyColumns, List<String> columns, List<String> values);

  /**
   * The condition "column is one of the ids bound with {@link #bindIds}": an {@code IN} list by
   * default; PostgreSQL binds one array instead.
   *
   * @param column the column's name
   * @return the SQL condition
   */
  default String idIsAnyOf(String column) {
    return column + " IN (<ids>)";
  }

  /**
   * Binds the ids that {@link #idIsAnyOf} refers to.
   *
   * @param statement the statement holding the condition
   * @param ids the ids the condition matches
   */
  default void bindIds(SqlStatement<?> statement, List<String> ids) {
    statement.bindList("ids", ids);
  }

  /**
   * An insert-or-replace that replaces an existing row only if its {@code partitionColumn} holds
   * {@code -1} or the value being written, and otherwise leaves the row as it is (locked by the
   * statement until the transaction ends, or, where another transaction is inserting the same key,
   * after waiting for it). Arguments as for {@link #upsert}; the partition column is among
   * {@code columns}.
   *
   * @param table the qualified table name
   * @param keyColumns the primary-key columns
   * @param columns every column written, key columns first
   * @param values the value expression of each column, in the same order
   * @param partitionColumn the column holding the partition that wrote the row
   * @return the SQL statement
   */
  String partitionUpsert(String table, List<String> keyColumns, List<String> columns,
      List<String> values, String partitionColumn);

  /**
   * An expression of the database's current time in microseconds since 1970-01-01T00:00:00Z, as a
   * {@code BIGINT}: the database's clock, never the client's, so that every process using the
   * database judges time alike. Within one transaction it may be fixed at its first use (H2) or at
   * the start of the statement (MariaDB); on PostgreSQL it is {@code clock_timestamp()}.
   *
   * @return the SQL expression
   */
  String currentTimeMicros();

  /**
   * The names of the tables in the schema (the connection's default if null) whose name starts with
   * {@code prefix}, in lower case.
   *
   * @param handle the connection to read with
   * @param schema the schema, or null for the connection's default
   * @param prefix the table names' prefix, in any case
   * @return the table names, sorted
   */
  default List<String> tables(Handle handle, @Nullable String schema, String prefix) {
    return handle.createQuery("SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES"
            + " WHERE LOWER(TABLE_SCHEMA) = LOWER(COALESCE(:schema, " + currentSchema() + "))"
            + " AND TABLE_TYPE IN ('BASE TABLE', 'TABLE')")
        .bindByType("schema", schema, String.class)
        .mapTo(String.class).stream()
        .filter(name -> name.startsWith(prefix.toLowerCase(Locale.ROOT)))
        .sorted().toList();
  }

  /** {@return the SQL expression naming the connection's default schema} */
  String currentSchema();

  /**
   * The statement creating a schema (a database on MariaDB) if it does not exist.
   *
   * @param schema the schema's name
   * @return the SQL statement
   */
  String createSchema(String schema);

  /**
   * Runs schema changes while holding a lock that other processes changing the same tables also
   * take, so that concurrent opens do not race. {@code lockName} is at most 64 characters.
   *
   * @param handle the connection to lock and change on
   * @param lockName the lock's name, at most 64 characters
   * @param changes the schema changes, run once the lock is held and before it is released
   */
  void withSchemaLock(Handle handle, String lockName, Runnable changes);

  /**
   * Refuses a connection that would not keep every character exactly: a PostgreSQL database whose
   * encoding is not UTF-8, a MariaDB connection whose character set is not {@code utf8mb4}, an H2
   * database that ignores case or compares by a collation.
   *
   * @param description the database without password, for the message
   * @param handle the connection to check
   * @throws StoreConfigurationException saying what was found and what to change
   */
  void requireExactText(Handle handle, String description);

  /**
   * A column of a table as the database describes it.
   *
   * @param name the column's name, lower case
   * @param type its type, with its collation where that decides how text compares
   * @param nullable whether it may hold null
   */
  record Column(String name, String type, boolean nullable) {}

  /**
   * The table's columns by lower-case name; empty if the table does not exist.
   *
   * @param schema the table's schema, or null for the connection's default
   * @param table the unqualified table name
   * @param handle the connection to read with
   * @return the columns; empty if the table does not exist
   */
  Map<String, Column> columns(Handle handle, @Nullable String schema, String table);

  /**
   * Whether a column of this type, as {@link #columns} describes it, keeps key text exactly.
   *
   * @param columnType the column's type, as {@link #columns} gives it
   * @return whether it keeps key text exactly
   */
  boolean isExactKeyType(String columnType);

  /**
   * The statement that turns an existing column into one of {@link #keyType()}, keeping its
   * nullability.
   *
   * @param qualifiedTable the table's qualified name
   * @param column the column to change
   * @return the SQL statement
   */
  String alterToKeyType(String qualifiedTable, Column column);

  /**
   * Refuses a table whose key columns do not keep text exactly (made by hand, by an older tool, or on
   * an H2 database that once ignored case), naming each column, its type and the statement that fixes
   * it. Columns the table does not have are not checked.
   *
   * @param schema the table's schema, or null for the connection's default
   * @param table the unqualified table name
   * @param keyColumns the names of the key columns to check
   * @param description the database without password, for the message
   * @param handle the connection to read with
   * @throws StoreConfigurationException if a column compares text inexactly
   */
  default void requireExactKeyColumns(Handle handle, @Nullable String schema, String table,
      List<String> keyColumns, String description) {
    requireExactKeyColumns(columns(handle, schema, table),
        schema == null ? table : schema + "." + table, keyColumns, description);
  }

  /**
   * Refuses key columns that do not keep text exactly, among columns already read with
   * {@link #columns}; see {@link #requireExactKeyColumns(Handle, String, String, List, String)}.
   *
   * @param qualifiedTable the table's name for the message and the statements that fix it
   * @param columns the table's columns, as {@link #columns} gives them
   * @param keyColumns the names of the key columns to check
   * @param description the database without password, for the message
   */
  default void requireExactKeyColumns(Map<String, Column> columns, String qualifiedTable,
      List<String> keyColumns, String description) {
    List<String> found = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    for (String name : keyColumns) {
      Column column = columns.get(name.toLowerCase(Locale.ROOT));
      if (column != null && !isExactKeyType(column.type())) {
        found.add(column.name() + " (" + column.type() + ")");
        fixes.add(alterToKeyType(qualifiedTable, column));
      }
    }
    if (!found.isEmpty()) {
      throw new StoreConfigurationException("table " + qualifiedTable + " in " + description
          + " has key columns that do not compare text exactly (ids differing only in case, in"
          + " trailing spaces or in characters outside the Basic Multilingual Plane could be confused): "
          + String.join(", ", found) + "; the JDBC store needs " + keyType() + ". Run "
          + String.join("; ", fixes) + ", or use another table prefix", null);
    }
  }

  /**
   * {@return whether the error says a table does not exist}
   *
   * @param error the driver's exception
   */
  boolean isUndefinedTable(SQLException error);

  /**
   * {@return whether the error says a unique key was violated}
   *
   * @param error the driver's exception
   */
  boolean isDuplicateKey(SQLException error);

  /**
   * Whether the error is an outage that may pass: lost connection, server shutting down, deadlock or
   * serialisation failure.
   *
   * @param error the driver's exception
   * @return whether retrying later may succeed
   */
  default boolean isTransient(SQLException error) {
    String state = error.getSQLState();
    return error instanceof SQLTransientException
        || error instanceof SQLRecoverableException
        || error instanceof SQLNonTransientConnectionException
        || (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
            || state.startsWith("57P") || state.equals("53300")));
  }

  /**
   * Why opening a connection failed, if the database says the URL or the place it names is wrong
   * rather than that the server is unreachable: for example an H2 file in a directory that cannot be
   * written. Such a failure is a configuration error, not an outage.
   *
   * @param error the driver's exception
   * @return the problem in words, or empty if the failure may be an outage
   */
  default Optional<String> configurationProblem(SQLException error) {
    return Optional.empty();
  }
}
