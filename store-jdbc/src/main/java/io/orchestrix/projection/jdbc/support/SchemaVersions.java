package io.orchestrix.projection.jdbc.support;

import io.orchestrix.projection.StoreConfigurationException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The versioned schemas of the components that keep tables under one prefix. The table
 * {@code <prefix>schema_version} holds one row per component with the version its tables are at:
 * row {@link #PROJECTION_STORE} for the projection store (store-jdbc), row {@link #EVENT_STORE} for
 * the event store (event-store-jdbc), so that components evolve independently and either may exist
 * without the other. Opening a component creates its tables or runs its migrations up to its current
 * version, under the schema lock ({@link JdbcDatabase#changeSchema}), and refuses tables of a newer
 * version. Stateless and thread-safe.
 */
public final class SchemaVersions {

  /** The row of the projection store's tables. */
  public static final int PROJECTION_STORE = 1;
  /** The row of the event store's tables. */
  public static final int EVENT_STORE = 2;

  private SchemaVersions() {}

  /** One step of a component's schema, from one version to the next; idempotent. */
  @FunctionalInterface
  public interface Migration {
    /**
     * Applies the step on the connection holding the schema lock.
     *
     * @param handle the connection holding the schema lock
     */
    void apply(Handle handle);

    /**
     * A step made of statements run in order.
     *
     * @param statements the SQL statements; copied
     * @return the step
     */
    static Migration of(List<String> statements) {
      List<String> copy = List.copyOf(statements);
      return handle -> copy.forEach(handle::execute);
    }
  }

  /**
   * A component keeping tables under a prefix.
   *
   * @param row its row in {@code <prefix>schema_version}
   * @param name its name for messages ("projection store")
   * @param migrations the steps from version 0 (no tables) to its current version, which is their
   *     number: step i takes the tables from version i to i + 1
   */
  public record Component(int row, String name, List<Migration> migrations) {
    /**
     * Checks the name; the migrations are copied.
     *
     * @param row its row in the version table
     * @param name its name for messages; not null
     * @param migrations the steps from version 0 to the current version
     */
    public Component {
      Objects.requireNonNull(name, "name must not be null");
      migrations = List.copyOf(migrations);
    }

    /** {@return the version this code writes and reads: the number of migrations} */
    public int currentVersion() {
      return migrations.size();
    }
  }

  /**
   * Brings a component's tables to its current version, under the schema lock.
   *
   * @param description the store's description for messages (no password)
   * @param database the database; not null
   * @param names the tables' names
   * @param component the component to migrate
   * @throws StoreConfigurationException if the stored version is newer than the component's current
   *     one
   */
  public static void migrate(JdbcDatabase database, TableNames names, Component component,
      String description) {
    database.changeSchema(names, handle -> migrateLocked(handle, database.dialect(), names, component,
        description));
  }

  private static void migrateLocked(Handle handle, SqlDialect dialect, TableNames names,
      Component component, String description) {
    createVersionTable(handle, dialect, names);
    Optional<Integer> stored = stored(handle, names, component.row());
    int version = stored.orElse(0);
    int current = component.currentVersion();
    if (version > current) {
      throw new StoreConfigurationException("the " + component.name() + " tables with prefix '"
          + names.prefix() + "' in " + description + " are at schema version " + version
          + ", newer than this version of the " + component.name() + " supports (" + current
          + "): upgrade it, or use another table prefix", null);
    }
    for (int from = version; from < current; from++) {
      component.migrations().get(from).apply(handle);
    }
    if (stored.isEmpty()) {
      handle.createUpdate("INSERT INTO " + names.schemaVersion()
              + " (id, schema_version) VALUES (:id, :v)")
          .bind("id", component.row()).bind("v", current).execute();
    } else if (version < current) {
      handle.createUpdate("UPDATE " + names.schemaVersion() + " SET schema_version = :v WHERE id = :id")
          .bind("id", component.row()).bind("v", current).execute();
    }
  }

  private static void createVersionTable(Handle handle, SqlDialect dialect, TableNames names) {
    handle.execute("CREATE TABLE IF NOT EXISTS " + names.schemaVersion()
        + " (id INT NOT NULL PRIMARY KEY, schema_version INT NOT NULL)" + dialect.tableOptions());
  }

  private static Optional<Integer> stored(Handle handle, TableNames names, int row) {
    return handle.createQuery("SELECT schema_version FROM " + names.schemaVersion() + " WHERE id = :id")
        .bind("id", row).mapTo(Integer.class).findOne();
  }
}
