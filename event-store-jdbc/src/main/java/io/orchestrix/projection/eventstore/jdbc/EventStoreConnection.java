package io.orchestrix.projection.eventstore.jdbc;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.eventstore.jdbc.internal.AppendListener;
import io.orchestrix.projection.eventstore.jdbc.internal.EventTables;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.jdbc.support.SqlFailures;
import io.orchestrix.projection.jdbc.support.TableNames;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/**
 * The database of one {@link JdbcEventStore} while it is open, with the store's tables, created or
 * migrated by {@link #open}: it runs each of the store's calls, turning database failures into
 * {@link StoreException}s that name the call and never a password, refuses every call once closed,
 * and owns the listening connection (PostgreSQL only) that wakes followers at once. {@link #close()}
 * stops listening and closes the database, whose pool is closed only if the store opened it.
 * Thread-safe.
 */
final class EventStoreConnection implements AutoCloseable {

  private final JdbcDatabase database;
  private final EventTables tables;
  private final String description;
  private final @Nullable AppendListener listener;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EventStoreConnection(JdbcDatabase database, JdbcStoreOptions options) {
    TableNames names = new TableNames(options.schema().orElse(null), options.tablePrefix());
    this.database = database;
    this.tables = new EventTables(database.dialect(), names);
    this.description = database.redactedUrl() + " (tables " + names.qualified("event*") + ")";
    this.listener = tables.notifiesAppends()
        ? new AppendListener(database.jdbi(), database.dialect(), tables.channel(), description) : null;
  }

  /**
   * Opens the store's tables on the database, creating or migrating them; on any failure closes the
   * database and throws.
   *
   * @throws StoreConfigurationException if the tables are of a newer schema version or would not keep
   *     text exactly
   * @throws StoreException if the database fails
   */
  static EventStoreConnection open(JdbcDatabase database, JdbcStoreOptions options) {
    try {
      EventStoreConnection connection = new EventStoreConnection(database, options);
      connection.call("opening the event store's schema", () -> {
        connection.tables.migrate(database, connection.description);
        return null;
      });
      return connection;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  JdbcDatabase database() {
    return database;
  }

  EventTables tables() {
    return tables;
  }

  /** Where the store keeps its events, without password. */
  String description() {
    return description;
  }

  /** Whether appends are notified, so that {@link #awaitAppend} can wait for them. */
  boolean notifiesAppends() {
    return listener != null;
  }

  /**
   * Runs one call of the store.
   *
   * @param what the call, for messages ("reading the head position")
   * @throws StoreException if the store is closed, or translated from the database's failure
   */
  <T> T call(String what, Supplier<T> action) {
    if (closed.get()) {
      throw StoreException.failure(what + " failed: the event store on " + description + " is closed",
          null, null);
    }
    try {
      return action.get();
    } catch (JdbiException e) {
      throw SqlFailures.translate(database.dialect(), what, description, null, e);
    }
  }

  /**
   * Waits on the listening connection for an append after the position (see
   * {@link JdbcEventStore#awaitAppend}).
   *
   * @throws IllegalStateException if appends are not notified
   * @throws StoreException if the store is closed, or the listening connection cannot be opened
   */
  boolean awaitAppend(long afterPosition, Duration timeout, LongSupplier headPosition)
      throws InterruptedException {
    if (listener == null) {
      throw new IllegalStateException("the event store on " + description + " does not notify");
    }
    if (closed.get()) {
      throw StoreException.failure("waiting for appends failed: the event store on " + description
          + " is closed", null, null);
    }
    return listener.awaitAppend(afterPosition, timeout, headPosition);
  }

  /** Stops listening and closes the database; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (listener != null) {
      listener.close();
    }
    database.close();
  }
}
