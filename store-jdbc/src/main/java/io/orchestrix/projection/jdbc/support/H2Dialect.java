package io.orchestrix.projection.jdbc.support;

import io.orchestrix.projection.StoreConfigurationException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;

/**
 * H2 (embedded, in file or memory mode, or a server): documents in {@code CHARACTER LARGE OBJECT},
 * upserts with {@code MERGE ... KEY}, id lists as {@code IN (...)}. H2 has no cross-process lock: schema
 * changes take a lock of this JVM (a file database is open in one process at a time), and one that
 * lost a race with another process through the database's server is retried. H2 compares {@code VARCHAR} exactly unless the database ignores case or has
 * a collation, which the JDBC modules refuse.
 */
final class H2Dialect implements SqlDialect {

  /** The schema locks of this JVM by lock name; a handful of names per process, never removed. */
  private static final ConcurrentMap<String, ReentrantLock> SCHEMA_LOCKS = new ConcurrentHashMap<>();

  /**
   * H2's codes for a database it cannot create, open or find, a file it cannot write or read, a URL or
   * setting it does not accept, wrong credentials: problems of the URL or of the place it names, which
   * no retry mends. H2 uses the code as the SQL state.
   */
  private static final Set<String> CONFIGURATION_STATES = Set.of("28000", "90008", "90011", "90013",
      "90028", "90031", "90034", "90046", "90048", "90049", "90050", "90062", "90113");
  /** Of those, the codes of a file H2 cannot create, read or write. */
  private static final Set<String> FILE_STATES = Set.of("90028", "90031", "90034", "90062");

  @Override
  public Product product() {
    return Product.H2;
  }

  /**
   * Raises H2's lock timeout from 2 to 10 seconds, so that a writer queued behind a commit waits it
   * out; sets {@code WRITE_DELAY=0}, so that a commit is in the file when it returns (H2's default
   * writes it up to 500 ms later, and a killed process loses it); and sets {@code TRACE_LEVEL_FILE=0},
   * so that H2 writes no {@code .trace.db} file beside the database, and prints no stack trace to the
   * console when it cannot write one (a failure to open is reported by the exception alone). A setting
   * given in the URL wins.
   */
  @Override
  public String poolUrl(String url) {
    String upper = url.toUpperCase(Locale.ROOT);
    StringBuilder pool = new StringBuilder(url);
    if (!upper.contains(";LOCK_TIMEOUT=")) {
      pool.append(";LOCK_TIMEOUT=10000");
    }
    if (!upper.contains(";WRITE_DELAY=")) {
      pool.append(";WRITE_DELAY=0");
    }
    if (!upper.contains(";TRACE_LEVEL_FILE=")) {
      pool.append(";TRACE_LEVEL_FILE=0");
    }
    return pool.toString();
  }

  @Override
  public String keyType(int maxLength) {
    return "VARCHAR(" + maxLength + ")";
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
  public String partitionUpsert(String table, List<String> keyColumns, List<String> columns,
      List<String> values, String partitionColumn) {
    String on = keyColumns.stream().map(c -> "target." + c + " = source." + c)
        .collect(Collectors.joining(" AND "));
    String updates = columns.stream().filter(c -> !keyColumns.contains(c))
        .map(c -> c + " = source." + c).collect(Collectors.joining(", "));
    return "MERGE INTO " + table + " AS target USING (VALUES (" + String.join(", ", values)
        + ")) AS source (" + String.join(", ", columns) + ") ON " + on + " WHEN MATCHED AND target."
        + partitionColumn + " IN (-1, source." + partitionColumn + ") THEN UPDATE SET " + updates
        + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", columns) + ") VALUES ("
        + columns.stream().map(c -> "source." + c).collect(Collectors.joining(", ")) + ")";
  }

  /**
   * {@code CURRENT_TIMESTAMP}, which H2 fixes at its first use in a transaction: the lease table reads
   * it only after taking its row lock.
   */
  @Override
  public String currentTimeMicros() {
    return "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000000 AS BIGINT)";
  }

  @Override
  public String currentSchema() {
    return "SCHEMA()";
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + schema;
  }

  /**
   * {@inheritDoc}
   *
   * <p>H2 has no advisory lock, so the lock is this JVM's, one per lock name: an embedded file
   * database is open in one process at a time, so every opener of it is here. Other processes reach
   * a database only through its server ({@code AUTO_SERVER}, TCP); a change that loses a race with
   * one of them fails and is tried again by {@link JdbcDatabase#changeSchema}.
   */
  @Override
  public void withSchemaLock(Handle handle, String lockName, Runnable changes) {
    ReentrantLock lock = SCHEMA_LOCKS.computeIfAbsent(lockName, name -> new ReentrantLock());
    lock.lock();
    try {
      changes.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code IGNORECASE=TRUE} makes every {@code VARCHAR} column created after it case-insensitive, and
   * a database collation makes every comparison follow a language's rules: either would merge ids
   * such as "a" and "A".
   */
  @Override
  public void requireExactText(Handle handle, String description) {
    Map<String, String> settings = new LinkedHashMap<>();
    handle.createQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
            + " WHERE SETTING_NAME IN ('IGNORECASE', 'COLLATION')")
        .map((rs, ctx) -> Map.entry(rs.getString(1), String.valueOf(rs.getString(2))))
        .forEach(setting -> settings.put(setting.getKey(), setting.getValue()));
    String ignoreCase = settings.getOrDefault("IGNORECASE", "FALSE");
    if (ignoreCase.equals("1") || ignoreCase.equalsIgnoreCase("TRUE")) {
      throw new StoreConfigurationException("the H2 database of " + description + " ignores case"
          + " (IGNORECASE=TRUE), so ids such as 'a' and 'A' would be one; the JDBC store keeps text"
          + " exactly: remove IGNORECASE from the URL", null);
    }
    String collation = settings.getOrDefault("COLLATION", "OFF");
    if (!collation.isBlank() && !collation.equalsIgnoreCase("OFF") && !collation.equals("null")) {
      throw new StoreConfigurationException("the H2 database of " + description + " compares text by"
          + " the collation " + collation + ", which may treat distinct ids as one; the JDBC store"
          + " keeps text exactly: use a database without SET COLLATION", null);
    }
  }

  @Override
  public Map<String, Column> columns(Handle handle, @Nullable String schema, String table) {
    Map<String, Column> columns = new LinkedHashMap<>();
    handle.createQuery("SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE"
            + " FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE UPPER(TABLE_SCHEMA) = UPPER(COALESCE(:schema, SCHEMA()))"
            + " AND UPPER(TABLE_NAME) = UPPER(:table)")
        .bindByType("schema", schema, String.class)
        .bind("table", table)
        .map((rs, ctx) -> new Column(rs.getString(1).toLowerCase(Locale.ROOT),
            rs.getString(2) + (rs.getObject(3) == null ? "" : "(" + rs.getLong(3) + ")"),
            "YES".equals(rs.getString(4))))
        .forEach(column -> columns.put(column.name(), column));
    return columns;
  }

  /** {@code CHARACTER VARYING}, as opposed to {@code VARCHAR_IGNORECASE} or padded {@code CHARACTER}. */
  @Override
  public boolean isExactKeyType(String columnType) {
    return columnType.startsWith("CHARACTER VARYING");
  }

  @Override
  public String alterToKeyType(String qualifiedTable, Column column) {
    return "ALTER TABLE " + qualifiedTable + " ALTER COLUMN " + column.name() + " SET DATA TYPE "
        + keyType();
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
    return SqlDialect.super.isTransient(error) || "90067".equals(error.getSQLState())
        || "HYT00".equals(error.getSQLState());
  }

  /** For a file H2 cannot create, read or write, says where to look. */
  @Override
  public Optional<String> configurationProblem(SQLException error) {
    String state = error.getSQLState();
    if (!CONFIGURATION_STATES.contains(state)) {
      return Optional.empty();
    }
    String message = String.valueOf(error.getMessage()).lines().findFirst().orElse("").strip();
    return Optional.of(FILE_STATES.contains(state) ? message + "; check that the database's directory"
        + " exists or can be created, and that this process may write to it" : message);
  }
}
