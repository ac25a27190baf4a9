package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.jdbc.support.SchemaVersions;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.jdbc.support.TableNames;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The projection store's tables: {@code <prefix>state} and {@code <prefix>dead_letter}, versioned as
 * row {@link SchemaVersions#PROJECTION_STORE} of {@code <prefix>schema_version}, and one table
 * {@code <prefix>rm_<read model>} per read model, created when the read model is prepared. Every key
 * column is checked to compare text exactly, and a table whose key columns do not is refused.
 * Thread-safe.
 */
public final class ProjectionSchema {

  /** The schema version of the projection store's tables this code writes and reads. */
  public static final int VERSION = 2;

  /** Prefix of each read model's table name, after the table prefix. */
  private static final String READ_MODEL_TABLE = "rm_";

  private final JdbcDatabase database;
  private final TableNames names;
  private final String description;

  /** The schema of the tables these names name. */
  public ProjectionSchema(JdbcDatabase database, TableNames names, String description) {
    this.database = database;
    this.names = names;
    this.description = description;
  }

  /** The table of projection states, checkpoints and writer tokens. */
  public String stateTable() {
    return names.qualified("state");
  }

  /** The table of dead letters. */
  public String deadLetterTable() {
    return names.qualified("dead_letter");
  }

  /** The table of leases. */
  public String leaseTable() {
    return names.qualified("lease");
  }

  /**
   * Brings the state and dead-letter tables to {@link #VERSION} and checks their key columns.
   *
   * @throws io.orchestrix.projection.StoreConfigurationException if the stored version is newer than
   *     this code, or a key column compares text inexactly
   */
  public void migrate() {
    SchemaVersions.migrate(database, names, new SchemaVersions.Component(
        SchemaVersions.PROJECTION_STORE, "projection store", migrations()), description);
    SqlDialect dialect = database.dialect();
    database.jdbi().useHandle(handle -> {
      dialect.requireExactKeyColumns(handle, names.schema(), names.table("state"),
          List.of("projection_id"), description);
      dialect.requireExactKeyColumns(handle, names.schema(), names.table("dead_letter"),
          List.of("projection_id"), description);
    });
  }

  /** The steps from no tables to {@link #VERSION}. */
  private List<SchemaVersions.Migration> migrations() {
    SqlDialect dialect = database.dialect();
    String text = dialect.textType();
    String options = dialect.tableOptions();
    return List.of(SchemaVersions.Migration.of(List.of(
        "CREATE TABLE IF NOT EXISTS " + stateTable() + " ("
            + "projection_id VARCHAR(100) NOT NULL PRIMARY KEY, "
            + "last_event_id " + text + " NULL, "
            + "last_position BIGINT NOT NULL, "
            + "error_count BIGINT NOT NULL, "
            + "healthy BOOLEAN NOT NULL, "
            + "last_error " + text + " NULL, "
            + "failed_position BIGINT NOT NULL, "
            + "updated_at VARCHAR(40) NOT NULL, "
            + "writer_token BIGINT NOT NULL)" + options,
        "CREATE TABLE IF NOT EXISTS " + deadLetterTable() + " ("
            + "projection_id VARCHAR(100) NOT NULL, "
            + "event_position BIGINT NOT NULL, "
            + "event_id " + text + " NOT NULL, "
            + "stream_id " + text + " NOT NULL, "
            + "event_type " + text + " NOT NULL, "
            + "envelope_json " + text + " NOT NULL, "
            + "handler_name " + text + " NOT NULL, "
            + "error_type " + text + " NOT NULL, "
            + "error_message " + text + " NOT NULL, "
            + "stack_trace " + text + " NOT NULL, "
            + "attempts INT NOT NULL, "
            + "first_failure_at VARCHAR(40) NOT NULL, "
            + "last_failure_at VARCHAR(40) NOT NULL, "
            + "PRIMARY KEY (projection_id, event_position))" + options)),
        handle -> {
          handle.execute(LeaseTable.createSql(dialect, leaseTable()));
          addPartitionColumns(handle);
        });
  }

  /**
   * Version 2 keeps with each document the partition that wrote it: every read model's table made by
   * version 1 gets the column, -1 (unpartitioned) for the documents it holds.
   */
  private void addPartitionColumns(Handle handle) {
    SqlDialect dialect = database.dialect();
    for (String table : dialect.tables(handle, names.schema(), names.table(READ_MODEL_TABLE))) {
      Map<String, SqlDialect.Column> columns = dialect.columns(handle, names.schema(), table);
      if (columns.keySet().containsAll(List.of("id", "doc_json", "doc_position"))
          && !columns.containsKey(ReadModelTable.PARTITION_COLUMN)) {
        handle.execute(addPartitionColumn(names.schema() == null ? table
            : names.schema() + "." + table));
      }
    }
  }

  private static String addPartitionColumn(String table) {
    return "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + ReadModelTable.PARTITION_COLUMN
        + " INT DEFAULT -1 NOT NULL";
  }

  /**
   * Creates a read model's table, its index columns and their indexes if missing (an index declared
   * later becomes a new column), and checks that its id and index columns compare text exactly.
   * Idempotent, and safe from several processes at once.
   *
   * @throws io.orchestrix.projection.StoreConfigurationException if an existing table's key columns
   *     compare text inexactly
   */
  public ReadModelTable prepare(ReadModelSchema schema) {
    SqlDialect dialect = database.dialect();
    String name = READ_MODEL_TABLE + schema.name();
    String table = names.qualified(name);
    database.changeSchema(names, handle -> {
      StringBuilder create = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table)
          .append(" (id ").append(dialect.keyType()).append(" NOT NULL PRIMARY KEY, doc_json ")
          .append(dialect.documentType()).append(" NOT NULL, doc_position BIGINT NOT NULL, ")
          .append(ReadModelTable.PARTITION_COLUMN).append(" INT DEFAULT -1 NOT NULL");
      for (String index : schema.indexes()) {
        create.append(", ").append(ReadModelTable.column(index)).append(' ').append(dialect.keyType())
            .append(" NULL");
      }
      handle.execute(create.append(')').append(dialect.tableOptions()).toString());
      Map<String, SqlDialect.Column> existing = dialect.columns(handle, names.schema(), names.table(name));
      if (!existing.containsKey(ReadModelTable.PARTITION_COLUMN)) {
        // a table created by another process's version 1 code after this one migrated
        handle.execute(addPartitionColumn(table));
      }
      List<String> keyColumns = new ArrayList<>(List.of("id"));
      for (String index : schema.indexes()) {
        String column = ReadModelTable.column(index);
        if (!existing.containsKey(column)) {
          handle.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + column + " "
              + dialect.keyType() + " NULL");
        }
        handle.execute("CREATE INDEX IF NOT EXISTS " + names.identifier(name + "_" + index)
            + " ON " + table + " (" + column + ")");
        keyColumns.add(column);
      }
      // a column added just now is of the key type; those found already are checked
      dialect.requireExactKeyColumns(existing, table, keyColumns, description);
    });
    return new ReadModelTable(dialect, schema.name(), table, schema.indexes());
  }
}
