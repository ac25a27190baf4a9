package io.orchestrix.projection.jdbc.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * MariaDB: InnoDB tables in {@code utf8mb4} with the {@code utf8mb4_nopad_bin} collation, so ids
 * that differ only in case or trailing spaces stay distinct; documents in {@code LONGTEXT}; upserts
 * with {@code ON DUPLICATE KEY UPDATE}; id lists as {@code IN (...)}; schema changes under
 * {@code GET_LOCK}.
 */
public final class MariaDbDialect implements Dialect {

  private static final int LOCK_TIMEOUT_SECONDS = 60;

  @Override
  public String name() {
    return "MariaDB";
  }

  @Override
  public String keyType() {
    return "VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
  }

  @Override
  public String documentType() {
    return "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
  }

  @Override
  public String textType() {
    return "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
  }

  @Override
  public String tableOptions() {
    return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
  }

  @Override
  public String upsert(String table, List<String> keyColumns, List<String> columns, List<String> values) {
    String updates = columns.stream().filter(c -> !keyColumns.contains(c))
        .map(c -> c + " = VALUES(" + c + ")").collect(Collectors.joining(", "));
    if (updates.isEmpty()) {
      updates = keyColumns.get(0) + " = " + keyColumns.get(0);
    }
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
        + String.join(", ", values) + ") ON DUPLICATE KEY UPDATE " + updates;
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE DATABASE IF NOT EXISTS " + schema + " CHARACTER SET utf8mb4";
  }

  @Override
  public void withSchemaLock(Handle handle, String lockName, Runnable changes) {
    Integer locked = handle.createQuery("SELECT GET_LOCK(:name, :timeout)")
        .bind("name", lockName).bind("timeout", LOCK_TIMEOUT_SECONDS).mapTo(Integer.class).one();
    if (locked == null || locked != 1) {
      throw new IllegalStateException("could not take the schema lock '" + lockName + "' within "
          + LOCK_TIMEOUT_SECONDS + " s: another process is changing the schema");
    }
    try {
      changes.run();
    } finally {
      handle.createQuery("SELECT RELEASE_LOCK(:name)").bind("name", lockName)
          .mapTo(Integer.class).one();
    }
  }

  @Override
  public boolean isUndefinedTable(SQLException error) {
    return "42S02".equals(error.getSQLState()) || error.getErrorCode() == 1146;
  }

  @Override
  public boolean isDuplicateKey(SQLException error) {
    return error.getErrorCode() == 1062;
  }

  @Override
  public boolean isTransient(SQLException error) {
    // 1205 lock wait timeout, 1213 deadlock
    return Dialect.super.isTransient(error) || error.getErrorCode() == 1205
        || error.getErrorCode() == 1213;
  }
}
