package io.orchestrix.projection.jdbc.internal;

import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * H2 (embedded, in file or memory mode): documents in {@code CHARACTER LARGE OBJECT}, upserts with
 * {@code MERGE ... KEY}, id lists as {@code IN (...)}. H2 has no cross-process lock, and needs none:
 * a file database is open in one process at a time, and within it the store retries a schema change
 * that lost a race.
 */
public final class H2Dialect implements Dialect {

  @Override
  public String name() {
    return "H2";
  }

  /**
   * Raises H2's lock timeout from 2 to 10 seconds, so that a writer queued behind a commit waits it
   * out, and sets {@code WRITE_DELAY=0}, so that a commit is in the file when it returns (H2's default
   * writes it up to 500 ms later, and a killed process loses it). A setting given in the URL wins.
   */
  @Override
  public String poolUrl(String url) {
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    String withLockTimeout = upper.contains(";LOCK_TIMEOUT=") ? url : url + ";LOCK_TIMEOUT=10000";
    return upper.contains(";WRITE_DELAY=") ? withLockTimeout : withLockTimeout + ";WRITE_DELAY=0";
  }

  @Override
  public String keyType() {
    return "VARCHAR(512)";
  }

  @Override
  public String documentType() {
    return "CHARACTER LARGE OBJECT";
  }

  @Override
  public String textType() {
    return "CHARACTER LARGE OBJECT";
  }

  @Override
  public String tableOptions() {
    return "";
  }

  @Override
  public String upsert(String table, List<String> keyColumns, List<String> columns, List<String> values) {
    return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY ("
        + String.join(", ", keyColumns) + ") VALUES (" + String.join(", ", values) + ")";
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + schema;
  }

  @Override
  public void withSchemaLock(Handle handle, String lockName, Runnable changes) {
    changes.run();
  }

  @Override
  public boolean isUndefinedTable(SQLException error) {
    String state = error.getSQLState();
    return "42S02".equals(state) || "42102".equals(state) || "42104".equals(state)
        || "42103".equals(state);
  }

  @Override
  public boolean isDuplicateKey(SQLException error) {
    return "23505".equals(error.getSQLState());
  }

  @Override
  public boolean isTransient(SQLException error) {
    // 90067: connection broken; HYT00: lock timeout
    return Dialect.super.isTransient(error) || "90067".equals(error.getSQLState())
        || "HYT00".equals(error.getSQLState());
  }
}
