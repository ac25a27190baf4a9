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
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;

/**
 * MariaDB: InnoDB tables in {@code utf8mb4} with the {@code utf8mb4_nopad_bin} collation (binary, so
 * case counts; no pad, so trailing spaces count; 4-byte UTF-8, so every character fits), documents
 * in {@code LONGTEXT}, upserts with {@code ON DUPLICATE KEY UPDATE}, id lists as {@code IN (...)},
 * schema changes under {@code GET_LOCK}. The connection must talk {@code utf8mb4}.
 */
final class MariaDbDialect implements SqlDialect {

  private static final int LOCK_TIMEOUT_SECONDS = 60;
  private static final String EXACT_COLLATION = "utf8mb4_nopad_bin";
  /** The name MariaDB 11.4 and later also accept for the same binary, no-pad collation. */
  private static final String EXACT_COLLATION_ALIAS = "utf8mb4_0900_bin";
  /** Access denied to the user (by password or by plugin) or to the database, unknown database. */
  private static final Set<Integer> CONFIGURATION_ERRORS = Set.of(1044, 1045, 1049, 1698);

  @Override
  public Product product() {
    return Product.MARIADB;
  }

  @Override
  public String keyType(int maxLength) {
    return "VARCHAR(" + maxLength + ") CHARACTER SET utf8mb4 COLLATE " + EXACT_COLLATION;
  }

  @Override
  public String documentType() {
    return "LONGTEXT CHARACTER SET utf8mb4 COLLATE " + EXACT_COLLATION;
  }

  @Override
  public String textType() {
    return "LONGTEXT CHARACTER SET utf8mb4 COLLATE " + EXACT_COLLATION;
  }

  /** {@code idle_transaction_timeout} (MariaDB 10.3 and later): the server ends a stalled session. */
  @Override
  public Optional<String> sessionSetup() {
    return Optional.of("SET SESSION idle_transaction_timeout = " + STALLED_TRANSACTION_SECONDS);
  }

  @Override
  public String tableOptions() {
    return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + EXACT_COLLATION;
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

  /**
   * {@code ON DUPLICATE KEY UPDATE} assigns left to right, each assignment seeing the ones before, so
   * the partition column, which every condition reads, is assigned last.
   */
  @Override
  public String partitionUpsert(String table, List<String> keyColumns, List<String> columns,
      List<String> values, String partitionColumn) {
    String writable = partitionColumn + " IN (-1, VALUES(" + partitionColumn + "))";
    String updates = Stream.concat(
            columns.stream().filter(c -> !keyColumns.contains(c) && !c.equals(partitionColumn)),
            Stream.of(partitionColumn))
        .map(c -> c + " = IF(" + writable + ", VALUES(" + c + "), " + c + ")")
        .collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
        + String.join(", ", values) + ") ON DUPLICATE KEY UPDATE " + updates;
  }

  /**
   * Whole seconds of {@code UNIX_TIMESTAMP()} and microseconds of {@code NOW(6)}, both the statement's
   * start: unlike {@code UNIX_TIMESTAMP(NOW(6))}, this never converts a local time back to UTC, which
   * is ambiguous for an hour a year in a session time zone with daylight saving time.
   */
  @Override
  public String currentTimeMicros() {
    return "(UNIX_TIMESTAMP() * 1000000 + MICROSECOND(NOW(6)))";
  }

  @Override
  public String currentSchema() {
    return "DATABASE()";
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE DATABASE IF NOT EXISTS " + schema + " CHARACTER SET utf8mb4 COLLATE " + EXACT_COLLATION;
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

  /**
   * The client's text must reach the server as {@code utf8mb4}: a {@code utf8mb3} connection cannot
   * send characters outside the Basic Multilingual Plane, and any other character set changes the
   * bytes stored. MariaDB Connector/J connects in {@code utf8mb4} unless its session variables say
   * otherwise. Results may also come back unconverted ({@code character_set_results} NULL).
   */
  @Override
  public void requireExactText(Handle handle, String description) {
    Map<String, Object> settings = handle.createQuery("SELECT @@character_set_client AS client,"
            + " @@character_set_connection AS connection, @@character_set_results AS results")
        .mapToMap().one();
    Object client = settings.get("client");
    Object connection = settings.get("connection");
    Object results = settings.get("results");
    if (!"utf8mb4".equals(client) || !"utf8mb4".equals(connection)
        || (results != null && !"utf8mb4".equals(results))) {
      throw new StoreConfigurationException("the MariaDB connection of " + description
          + " uses the character sets client=" + client + ", connection=" + connection + ", results="
          + results + ", which cannot carry every character exactly; the JDBC store needs utf8mb4:"
          + " remove the session variables that set character_set_* from the URL or the pool, or run"
          + " SET NAMES utf8mb4 on its connections", null);
    }
  }

  @Override
  public Map<String, Column> columns(Handle handle, @Nullable String schema, String table) {
    Map<String, Column> columns = new LinkedHashMap<>();
    handle.createQuery("SELECT COLUMN_NAME, COLUMN_TYPE, COLLATION_NAME, IS_NULLABLE"
            + " FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table")
        .bindByType("schema", schema, String.class)
        .bind("table", table)
        .map((rs, ctx) -> new Column(rs.getString(1).toLowerCase(Locale.ROOT),
            rs.getString(2) + (rs.getString(3) == null ? "" : " COLLATE " + rs.getString(3)),
            "YES".equals(rs.getString(4))))
        .forEach(column -> columns.put(column.name(), column));
    return columns;
  }

  @Override
  public boolean isExactKeyType(String columnType) {
    return columnType.endsWith(" COLLATE " + EXACT_COLLATION)
        || columnType.endsWith(" COLLATE " + EXACT_COLLATION_ALIAS);
  }

  @Override
  public String alterToKeyType(String qualifiedTable, Column column) {
    return "ALTER TABLE " + qualifiedTable + " MODIFY " + column.name() + " " + keyType()
        + (column.nullable() ? " NULL" : " NOT NULL");
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
    return SqlDialect.super.isTransient(error) || error.getErrorCode() == 1205
        || error.getErrorCode() == 1213;
  }

  @Override
  public Optional<String> configurationProblem(SQLException error) {
    return CONFIGURATION_ERRORS.contains(error.getErrorCode()) || "28000".equals(error.getSQLState())
        ? Optional.of(String.valueOf(error.getMessage())) : Optional.empty();
  }
}
