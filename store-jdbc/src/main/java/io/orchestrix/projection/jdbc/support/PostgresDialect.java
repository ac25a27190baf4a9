package io.orchestrix.projection.jdbc.support;

import io.orchestrix.projection.StoreConfigurationException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL: documents in {@code jsonb}, ids and index values in {@code COLLATE "C"} columns (code
 * point order, so paging and equality never depend on the server's locale), upserts with
 * {@code ON CONFLICT}, id lists as one array parameter, schema changes under a transaction-scoped
 * advisory lock. The database must be in UTF-8.
 */
final class PostgresDialect implements SqlDialect {

  /** Wrong password or user, unknown database: the URL is wrong, not the server away. */
  private static final Set<String> CONFIGURATION_STATES = Set.of("28000", "28P01", "3D000");

  @Override
  public Product product() {
    return Product.POSTGRESQL;
  }

  /** {@code idle_in_transaction_session_timeout}: the server ends a stalled session. */
  @Override
  public Optional<String> sessionSetup() {
    return Optional.of("SET idle_in_transaction_session_timeout = '" + STALLED_TRANSACTION_SECONDS
        + "s'");
  }

  /**
   * Adds the two ways the limits above end a stalled client's work: its session ended while idle in a
   * transaction ({@code 25P03}, what a writer paused past {@link #STALLED_TRANSACTION_SECONDS} finds
   * when it resumes) and a statement cancelled by the statement timeout ({@code 57014}). Both leave
   * the database as it was before the transaction, and a new attempt on a new connection may succeed.
   */
  @Override
  public boolean isTransient(SQLException error) {
    return SqlDialect.super.isTransient(error) || "25P03".equals(error.getSQLState())
        || "57014".equals(error.getSQLState());
  }

  /** {@code SET LOCAL statement_timeout}: a stalled statement of a commit or claim is ended. */
  @Override
  public Optional<String> boundedStatements() {
    return Optional.of("SET LOCAL statement_timeout = '" + STALLED_TRANSACTION_SECONDS + "s'");
  }

  /** Adds {@code reWriteBatchedInserts=true}: each batch of upserts becomes multi-row inserts. */
  @Override
  public String poolUrl(String url) {
    return url.contains("reWriteBatchedInserts") ? url
        : url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  @Override
  public String keyType(int maxLength) {
    return "VARCHAR(" + maxLength + ") COLLATE \"C\"";
  }

  @Override
  public String documentType() {
    return "JSONB";
  }

  @Override
  public String textType() {
    return "TEXT";
  }

  @Override
  public String tableOptions() {
    return "";
  }

  @Override
  public String documentParameter(String parameter) {
    return "CAST(:" + parameter + " AS JSONB)";
  }

  @Override
  public String upsert(String table, List<String> keyColumns, List<String> columns, List<String> values) {
    String updates = columns.stream().filter(c -> !keyColumns.contains(c))
        .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
        + String.join(", ", values) + ") ON CONFLICT (" + String.join(", ", keyColumns) + ") DO "
        + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
  }

  @Override
  public String partitionUpsert(String table, List<String> keyColumns, List<String> columns,
      List<String> values, String partitionColumn) {
    String updates = columns.stream().filter(c -> !keyColumns.contains(c))
        .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " AS target (" + String.join(", ", columns) + ") VALUES ("
        + String.join(", ", values) + ") ON CONFLICT (" + String.join(", ", keyColumns)
        + ") DO UPDATE SET " + updates + " WHERE target." + partitionColumn + " IN (-1, EXCLUDED."
        + partitionColumn + ")";
  }

  /** {@code clock_timestamp()}: the time when evaluated, not when the transaction began. */
  @Override
  public String currentTimeMicros() {
    return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";
  }

  @Override
  public String currentSchema() {
    return "current_schema()";
  }

  @Override
  public String idIsAnyOf(String column) {
    return column + " = ANY(:ids)";
  }

  @Override
  public void bindIds(SqlStatement<?> statement, List<String> ids) {
    statement.bindArray("ids", String.class, ids);
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + schema;
  }

  @Override
  public void withSchemaLock(Handle handle, String lockName, Runnable changes) {
    handle.useTransaction(transaction -> {
      transaction.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS schema_lock")
          .bind("key", (long) lockName.hashCode() << 16 ^ 0x4f52L).mapTo(Integer.class).one();
      changes.run();
    });
  }

  /** pgjdbc always talks UTF-8; the database must store it, which only a UTF-8 database does. */
  @Override
  public void requireExactText(Handle handle, String description) {
    String encoding = handle.createQuery("SELECT current_setting('server_encoding')")
        .mapTo(String.class).one();
    if (!"UTF8".equalsIgnoreCase(encoding)) {
      throw new StoreConfigurationException("the PostgreSQL database of " + description
          + " has the encoding " + encoding + ", which cannot hold every character exactly; the JDBC"
          + " store needs a UTF8 database (CREATE DATABASE ... ENCODING 'UTF8')", null);
    }
  }

  @Override
  public Map<String, Column> columns(Handle handle, @Nullable String schema, String table) {
    Map<String, Column> columns = new LinkedHashMap<>();
    handle.createQuery("SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
            + " || CASE WHEN c.collname IS NULL THEN '' ELSE ' COLLATE \"' || c.collname || '\"'"
            + " || CASE WHEN c.collisdeterministic THEN '' ELSE ' (nondeterministic)' END END,"
            + " NOT a.attnotnull"
            + " FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation"
            + " WHERE a.attrelid = to_regclass(:table) AND a.attnum > 0 AND NOT a.attisdropped")
        .bind("table", schema == null ? table : schema + "." + table)
        .map((rs, ctx) -> new Column(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2),
            rs.getBoolean(3)))
        .forEach(column -> columns.put(column.name(), column));
    return columns;
  }

  /** Varying text under a deterministic collation: equality is then code point equality. */
  @Override
  public boolean isExactKeyType(String columnType) {
    return (columnType.startsWith("character varying") || columnType.startsWith("text"))
        && !columnType.contains("(nondeterministic)");
  }

  @Override
  public String alterToKeyType(String qualifiedTable, Column column) {
    return "ALTER TABLE " + qualifiedTable + " ALTER COLUMN " + column.name() + " TYPE " + keyType();
  }

  @Override
  public boolean isUndefinedTable(SQLException error) {
    return "42P01".equals(error.getSQLState());
  }

  @Override
  public boolean isDuplicateKey(SQLException error) {
    return "23505".equals(error.getSQLState());
  }

  @Override
  public Optional<String> configurationProblem(SQLException error) {
    return CONFIGURATION_STATES.contains(error.getSQLState())
        ? Optional.of(String.valueOf(error.getMessage())) : Optional.empty();
  }
}
