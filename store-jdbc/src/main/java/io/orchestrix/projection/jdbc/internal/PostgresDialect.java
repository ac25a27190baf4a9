package io.orchestrix.projection.jdbc.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL: documents in {@code jsonb}, ids and index values in {@code COLLATE "C"} columns (byte
 * order, so paging and equality never depend on the server's locale), upserts with
 * {@code ON CONFLICT}, id lists as one array parameter, schema changes under a transaction-scoped
 * advisory lock; the event store takes positions with {@code UPDATE ... RETURNING} and notifies
 * appends with {@code pg_notify}.
 */
public final class PostgresDialect implements Dialect {

  @Override
  public String name() {
    return "PostgreSQL";
  }

  /** Adds {@code reWriteBatchedInserts=true}: each batch of upserts becomes multi-row inserts. */
  @Override
  public String poolUrl(String url) {
    return url.contains("reWriteBatchedInserts") ? url
        : url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  @Override
  public String keyType() {
    return "VARCHAR(512) COLLATE \"C\"";
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

  /** One round trip: {@code UPDATE ... RETURNING}. */
  @Override
  public long allocatePositions(Handle handle, String headTable, int count) {
    return handle.createQuery("UPDATE " + headTable + " SET position = position + :n WHERE id = 1"
            + " RETURNING position")
        .bind("n", count).mapTo(Long.class).findOne()
        .orElseThrow(() -> new IllegalStateException("the event head table " + headTable + " has no row 1"));
  }

  @Override
  public boolean notifiesAppends() {
    return true;
  }

  /** {@code pg_notify}: PostgreSQL delivers it at commit, and drops it on rollback. */
  @Override
  public void notifyAppend(Handle handle, String channel, long lastPosition) {
    handle.createQuery("SELECT 1 FROM (SELECT pg_notify(:channel, :payload)) AS notified")
        .bind("channel", channel).bind("payload", Long.toString(lastPosition))
        .mapTo(Integer.class).one();
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
  public @Nullable String refusalOf(String id, String json, Iterable<String> indexValues) {
    if (json.contains("\\u0000")) {
      return "PostgreSQL jsonb cannot hold the character U+0000 (\\u0000) in a string";
    }
    if (json.indexOf('\0') >= 0 || id.indexOf('\0') >= 0) {
      return "PostgreSQL text cannot hold the character U+0000";
    }
    for (String value : indexValues) {
      if (value.indexOf('\0') >= 0) {
        return "PostgreSQL text cannot hold the character U+0000 in an index value";
      }
    }
    return null;
  }
}
