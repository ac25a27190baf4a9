package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Creates and migrates the store's tables. The schema is versioned: {@code <prefix>schema_version}
 * holds one row per component, with the version its tables are at: row 1 for the projection store's
 * tables ({@link #CURRENT_VERSION}), row 2 for the event store's ({@link #EVENT_STORE_VERSION}), so
 * the two evolve independently and either may exist without the other. Opening creates the tables
 * (version 1) or runs the migrations up to the current version, and refuses tables of a newer version.
 * Changes run under the dialect's schema lock, and a change that loses a race with another process is
 * retried, so concurrent opens are harmless. Thread-safe.
 */
public final class SchemaManager {

  /** The schema version of the projection store's tables this code writes and reads. */
  public static final int CURRENT_VERSION = 1;
  /** The schema version of the event store's tables this code writes and reads. */
  public static final int EVENT_STORE_VERSION = 1;

  private static final int PROJECTION_STORE_ROW = 1;
  private static final int EVENT_STORE_ROW = 2;

  private static final int ATTEMPTS = 5;

  private final Dialect dialect;
  private final TableNames names;
  private final String description;

  /** A manager for the tables these names name. */
  public SchemaManager(Dialect dialect, TableNames names, String description) {
    this.dialect = dialect;
    this.names = names;
    this.description = description;
  }

  /** The statements that take the schema from version {@code i} to {@code i + 1}, by index i. */
  private List<List<String>> migrations() {
    String text = dialect.textType();
    String options = dialect.tableOptions();
    return List.of(List.of(
        "CREATE TABLE IF NOT EXISTS " + names.state() + " ("
            + "projection_id VARCHAR(100) NOT NULL PRIMARY KEY, "
            + "last_event_id " + text + " NULL, "
            + "last_position BIGINT NOT NULL, "
            + "error_count BIGINT NOT NULL, "
            + "healthy BOOLEAN NOT NULL, "
            + "last_error " + text + " NULL, "
            + "failed_position BIGINT NOT NULL, "
            + "updated_at VARCHAR(40) NOT NULL, "
            + "writer_token BIGINT NOT NULL)" + options,
        "CREATE TABLE IF NOT EXISTS " + names.deadLetter() + " ("
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
            + "PRIMARY KEY (projection_id, event_position))" + options));
  }

  /**
   * Brings the projection store's tables to {@link #CURRENT_VERSION}.
   *
   * @throws StoreConfigurationException if the stored version is newer than this code
   */
  public void migrate(Jdbi jdbi) {
    migrate(jdbi, PROJECTION_STORE_ROW, "", CURRENT_VERSION, migrations());
  }

  /**
   * Brings the event store's tables to {@link #EVENT_STORE_VERSION}.
   *
   * @throws StoreConfigurationException if the stored version is newer than this code
   */
  public void migrateEventStore(Jdbi jdbi) {
    migrate(jdbi, EVENT_STORE_ROW, "event store ", EVENT_STORE_VERSION,
        EventTables.migrations(dialect, names));
  }

  private void migrate(Jdbi jdbi, int row, String component, int current,
      List<List<String>> migrations) {
    retrying(() -> jdbi.useHandle(handle -> {
      String schema = names.schema();
      if (schema != null) {
        handle.execute(dialect.createSchema(schema));
      }
      dialect.withSchemaLock(handle, names.lockName(),
          () -> migrateLocked(handle, row, component, current, migrations));
    }));
  }

  private void migrateLocked(Handle handle, int row, String component, int current,
      List<List<String>> migrations) {
    handle.execute("CREATE TABLE IF NOT EXISTS " + names.schemaVersion()
        + " (id INT NOT NULL PRIMARY KEY, schema_version INT NOT NULL)" + dialect.tableOptions());
    Optional<Integer> stored = handle.createQuery(
            "SELECT schema_version FROM " + names.schemaVersion() + " WHERE id = :id")
        .bind("id", row).mapTo(Integer.class).findOne();
    int version = stored.orElse(0);
    if (version > current) {
      throw new StoreConfigurationException("the " + component + "tables with prefix '"
          + names.prefix() + "' in " + description + " are at schema version " + version
          + ", newer than this version of store-jdbc supports (" + current + "): upgrade"
          + " store-jdbc, or use another table prefix", null);
    }
    for (int from = version; from < current; from++) {
      migrations.get(from).forEach(handle::execute);
    }
    if (stored.isEmpty()) {
      handle.createUpdate("INSERT INTO " + names.schemaVersion() + " (id, schema_version) VALUES (:id, :v)")
          .bind("id", row).bind("v", current).execute();
    } else if (version < current) {
      handle.createUpdate("UPDATE " + names.schemaVersion() + " SET schema_version = :v WHERE id = :id")
          .bind("id", row).bind("v", current).execute();
    }
  }

  /** Creates a read model's table, columns and indexes if missing; idempotent. */
  public ReadModelTable prepare(Jdbi jdbi, ReadModelSchema schema) {
    String table = names.readModel(schema.name());
    retrying(() -> jdbi.useHandle(handle -> dialect.withSchemaLock(handle, names.lockName(), () -> {
      StringBuilder create = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table)
          .append(" (id ").append(dialect.keyType()).append(" NOT NULL PRIMARY KEY, doc_json ")
          .append(dialect.documentType()).append(" NOT NULL, doc_position BIGINT NOT NULL");
      for (String index : schema.indexes()) {
        create.append(", ").append(ReadModelTable.column(index)).append(' ').append(dialect.keyType())
            .append(" NULL");
      }
      handle.execute(create.append(')').append(dialect.tableOptions()).toString());
      List<String> existing = indexColumns(handle, table).orElse(List.of());
      for (String index : schema.indexes()) {
        if (!existing.contains(index)) {
          handle.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS "
              + ReadModelTable.column(index) + " " + dialect.keyType() + " NULL");
        }
        handle.execute("CREATE INDEX IF NOT EXISTS " + names.readModelIndex(schema.name(), index)
            + " ON " + table + " (" + ReadModelTable.column(index) + ")");
      }
    })));
    return new ReadModelTable(dialect, schema.name(), table, schema.indexes());
  }

  /**
   * The table of a read model prepared earlier, by this or another process, with the indexes its
   * columns show; empty if the read model has no table.
   */
  public Optional<ReadModelTable> discover(Jdbi jdbi, String readModel) {
    String table = names.readModel(readModel);
    return jdbi.withHandle(handle -> indexColumns(handle, table))
        .map(indexes -> new ReadModelTable(dialect, readModel, table, indexes));
  }

  private Optional<List<String>> indexColumns(Handle handle, String table) {
    try (var statement = handle.getConnection().createStatement();
         var rs = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> indexes = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        String column = meta.getColumnName(i).toLowerCase(Locale.ROOT);
        if (column.startsWith(ReadModelTable.INDEX_COLUMN_PREFIX)) {
          indexes.add(column.substring(ReadModelTable.INDEX_COLUMN_PREFIX.length()));
        }
      }
      return Optional.of(indexes);
    } catch (SQLException e) {
      if (dialect.isUndefinedTable(e)) {
        return Optional.empty();
      }
      throw new org.jdbi.v3.core.ConnectionException(e);
    }
  }

  private void retrying(Runnable change) {
    for (int attempt = 1; ; attempt++) {
      try {
        change.run();
        return;
      } catch (JdbiException | IllegalStateException e) {
        boolean outage = SqlErrors.sqlCause(e).map(dialect::isTransient).orElse(false);
        if (attempt >= ATTEMPTS || outage) {
          throw e;
        }
      }
    }
  }
}
