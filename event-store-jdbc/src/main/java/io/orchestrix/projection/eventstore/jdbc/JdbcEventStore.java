package io.orchestrix.projection.eventstore.jdbc;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventPage;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.Partitions;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.internal.EventReader;
import io.orchestrix.projection.eventstore.jdbc.internal.EventTables;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A durable event store on PostgreSQL, MariaDB or H2: an append API with optimistic concurrency per
 * stream, and an {@link EventSource} that a {@code ProjectionRunner} follows.
 *
 * <h2>Opening</h2>
 * {@link #open(String, EventTypes, JdbcStoreOptions)} opens its own HikariCP pool (one connection more
 * than {@link JdbcStoreOptions#poolSize()} on PostgreSQL, for listening), closed by {@link #close()},
 * on a URL checked as the JDBC projection store checks it (host and database named, no driver
 * default); {@link #create(DataSource, EventTypes, JdbcStoreOptions)} and {@link #create(Jdbi, EventTypes,
 * JdbcStoreOptions)} use the caller's pool, which {@link #close()} leaves open. Opening creates or
 * migrates the tables {@code <prefix>events} and {@code <prefix>event_head}; their schema version is
 * row 2 of {@code <prefix>schema_version}, the table the projection store keeps its own version in
 * (row 1), so one prefix can hold both. {@link EventTypes} names payload classes and reads payloads
 * back, through its upcasters.
 *
 * <h2>Ordering: gap-safe by construction</h2>
 * No event can appear later below what a {@link #read} returned, so a follower never skips one. On
 * PostgreSQL appends run concurrently: positions come from a sequence (a rolled-back append leaves a
 * gap), an append locks only its streams, and reads stay below a horizon settled by the
 * transaction-visibility bound of their own snapshot (docs/event-store-concurrency.md). On MariaDB and
 * H2 appends take their positions one after the other on the one row of {@code <prefix>event_head}:
 * the committed events are always exactly the positions {@code 1 .. headPosition()}, and a read stops
 * before an event committed but not yet visible to it. The price is that appends are serialised: an
 * append whose transaction is slow holds up the others. The module's README has the proof and
 * measurements.
 *
 * <h2>Notifications</h2>
 * On PostgreSQL an append queues {@code pg_notify} in its transaction, delivered at commit;
 * {@link #awaitAppend} waits on one dedicated listening connection (opened on first use, re-opened after
 * failures), so a runner following this store sees an append within milliseconds without polling.
 * On MariaDB and H2 it returns false at once and the runner polls.
 *
 * <h2>Contract</h2>
 * Thread-safe. No argument may be null; nothing returned is null. Bad input ({@code null}, an empty
 * list, an unregistered payload class, a payload that cannot be serialised or stored, text holding
 * U+0000 or an unpaired surrogate) is refused before anything is written. Stream ids, event ids and
 * type names are kept exactly: ids that differ only in case or trailing spaces are distinct streams.
 * Failures of the database are {@link StoreException}s, transient for lost connections, deadlocks and
 * timeouts, with messages that never show a password. An append is all or nothing, also across a
 * crash.
 */
public final class JdbcEventStore extends JdbcEventAppends implements EventSource, AutoCloseable {

  /** Expected version meaning "append whatever the stream's version is". */
  public static final long ANY_VERSION = -1;
  /** The longest payload or metadata JSON accepted, in characters (4 MiB). */
  public static final int MAX_JSON_LENGTH = 4 * 1024 * 1024;
  /** The longest stream id and event type name, in characters. */
  public static final int MAX_KEY_LENGTH = EventTables.MAX_KEY_LENGTH;
  /** The schema version of the event store's tables this code writes and reads. */
  public static final int SCHEMA_VERSION = EventTables.VERSION;

  private final EventStoreConnection connection;
  private final EventTypes types;
  private final JdbcStoreOptions options;
  private final String description;
  private final EventReader reader;

  private JdbcEventStore(EventStoreConnection connection, EventTypes types, JdbcStoreOptions options) {
    super(connection, new EventAppender(connection.database(), connection.tables(), types,
        options.clock(), connection.description()));
    this.connection = connection;
    this.types = types;
    this.options = options;
    this.description = connection.description();
    this.reader = new EventReader(connection.database(), connection.tables(), types, description);
  }

  /**
   * Opens an event store with its own connection pool on a JDBC URL
   * ({@code jdbc:postgresql://host[:port]/database}, {@code jdbc:mariadb://host[:port]/database} or
   * {@code jdbc:h2:...}), taking options from properties ({@link JdbcStoreOptions#PROPERTY_KEYS}).
   *
   * @param url the JDBC URL, with user and password in it or in the properties
   * @param types the payload classes and their type names
   * @param properties the options, by key; keys not given take their defaults
   * @return the open store; the caller closes it
   * @throws StoreConfigurationException for an unsupported or incomplete URL, a URL the database
   *     refuses, an unknown property key or a bad value, a connection or tables that would not keep
   *     text exactly, or tables of a newer schema version
   * @throws StoreException (transient) if the database cannot be reached; the message names the URL
   *     without its password
   */
  public static JdbcEventStore open(String url, EventTypes types, Map<String, String> properties) {
    Objects.requireNonNull(properties, "properties must not be null");
    return open(url, types, JdbcStoreOptions.fromProperties(properties));
  }

  /**
   * Opens an event store with its own connection pool, as {@link #open(String, EventTypes, Map)}.
   *
   * @param url the JDBC URL
   * @param types the payload classes and their type names
   * @param options the options
   * @return the open store; the caller closes it
   * @throws StoreConfigurationException as {@link #open(String, EventTypes, Map)}
   * @throws StoreException as {@link #open(String, EventTypes, Map)}
   */
  public static JdbcEventStore open(String url, EventTypes types, JdbcStoreOptions options) {
    Objects.requireNonNull(url, "url must not be null");
    Objects.requireNonNull(types, "types must not be null");
    Objects.requireNonNull(options, "options must not be null");
    int listening = JdbcDatabase.productOf(url) == SqlDialect.Product.POSTGRESQL ? 1 : 0;
    return start(JdbcDatabase.open(url, options.poolSize() + listening, options.connectionTimeout()),
        types, options);
  }

  /**
   * An event store on the caller's data source, which {@link #close()} does not close. On PostgreSQL,
   * {@link #awaitAppend} holds one of its connections for listening while the store is open. The
   * dialect is read from the database's metadata.
   *
   * @param dataSource the caller's pool; it stays the caller's to close
   * @param types the payload classes and their type names
   * @param options the options (its pool settings are not used)
   * @return the open store
   * @throws StoreConfigurationException if the database is not PostgreSQL, MariaDB or H2, its
   *     connection or tables would not keep text exactly, or its tables are of a newer schema version
   * @throws StoreException if the database cannot be reached
   */
  public static JdbcEventStore create(DataSource dataSource, EventTypes types, JdbcStoreOptions options) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    return create(Jdbi.create(dataSource), types, options);
  }

  /**
   * An event store on the caller's Jdbi, as {@link #create(DataSource, EventTypes, JdbcStoreOptions)}.
   *
   * @param jdbi the caller's Jdbi; its data source stays the caller's to close
   * @param types the payload classes and their type names
   * @param options the options (its pool settings are not used)
   * @return the open store
   * @throws StoreConfigurationException as {@link #create(DataSource, EventTypes, JdbcStoreOptions)}
   * @throws StoreException as {@link #create(DataSource, EventTypes, JdbcStoreOptions)}
   */
  public static JdbcEventStore create(Jdbi jdbi, EventTypes types, JdbcStoreOptions options) {
    Objects.requireNonNull(jdbi, "jdbi must not be null");
    Objects.requireNonNull(types, "types must not be null");
    Objects.requireNonNull(options, "options must not be null");
    return start(JdbcDatabase.on(jdbi), types, options);
  }

  private static JdbcEventStore start(JdbcDatabase database, EventTypes types, JdbcStoreOptions options) {
    return new JdbcEventStore(EventStoreConnection.open(database, options), types, options);
  }

  /**
   * {@return where this store keeps its events (database and table prefix), without password}
   */
  public String description() {
    return description;
  }

  /**
   * {@return the database this store works on: {@code PostgreSQL}, {@code MariaDB} or {@code H2}}
   */
  public String databaseName() {
    return connection.database().dialect().name();
  }

  /** {@return the options this store was opened with} */
  public JdbcStoreOptions options() {
    return options;
  }

  /** {@return the event types this store names and reads payloads with} */
  public EventTypes eventTypes() {
    return types;
  }

  /**
   * What an append wrote, given to a {@link BeforeCommit} callback.
   *
   * @param streamId the stream appended to
   * @param firstPosition the position of the first event appended
   * @param lastPosition the position of the last event appended
   * @param streamVersion the stream's version after the append
   * @param eventIds the ids given to the events, in order
   */
  public record Appended(String streamId, long firstPosition, long lastPosition, long streamVersion,
      List<String> eventIds) {
    /**
     * Copies the ids, so that the record stays immutable.
     *
     * @param streamId the stream appended to
     * @param firstPosition the position of the first event appended
     * @param lastPosition the position of the last event appended
     * @param streamVersion the stream's version after the append
     * @param eventIds the ids given to the events, in order; not null, no null
     * @throws NullPointerException if {@code eventIds} is null or holds a null
     */
    public Appended {
      eventIds = List.copyOf(eventIds);
    }
  }

  /**
   * Work done in an append's transaction after its events are written and before it commits, for
   * example an outbox row or a command's own table; if it throws, nothing of the append is kept, and
   * its exception is thrown by {@code append}.
   *
   * <p>It runs while the append holds its locks: on MariaDB and H2 the event head's (every other append
   * waits), on PostgreSQL its streams' (appends to them wait, and followers wait for the transaction to
   * end), so keep it short.
   */
  @FunctionalInterface
  public interface BeforeCommit {
    /**
     * Runs in the append's transaction, on its handle; called once per append, on the appending
     * thread.
     *
     * @param handle the append's transaction: use it for every write that must commit or roll back
     *     with the events; do not commit, roll back or close it
     * @param appended what the append wrote
     */
    void run(Handle handle, Appended appended);
  }

  /**
   * One stream's part of a multi-stream append.
   *
   * @param streamId the stream
   * @param expectedVersion its version before this part (counting earlier parts of the same call for
   *     the same stream), or {@link #ANY_VERSION}
   * @param payloads the events, at least one
   */
  public record StreamAppend(String streamId, long expectedVersion, List<?> payloads) {
    /**
     * Copies the payloads, so that the record stays immutable; the rest is checked by
     * {@link JdbcEventStore#appendAll}.
     *
     * @param streamId the stream; not null
     * @param expectedVersion its version before this part, or {@link #ANY_VERSION}
     * @param payloads the events; not null, no null
     * @throws NullPointerException if {@code streamId} or {@code payloads} is null, or a payload is
     */
    public StreamAppend {
      Objects.requireNonNull(streamId, "streamId must not be null");
      Objects.requireNonNull(payloads, "payloads must not be null (stream " + streamId + ")");
      payloads = List.copyOf(payloads);
    }
  }

  /**
   * The version of a stream: how many events it has.
   *
   * @param streamId the stream
   * @return its number of events, 0 if it has none (or does not exist)
   * @throws StoreException if the database fails (transient for outages)
   */
  public long streamVersion(String streamId) {
    Objects.requireNonNull(streamId, "streamId must not be null");
    return call("reading the version of stream '" + EventReader.abbreviate(streamId) + "'",
        () -> reader.streamVersion(streamId));
  }

  /**
   * Up to {@code limit} events with positions above {@code afterPosition}, in position order, payloads
   * read through the {@link EventTypes} (and their upcasters). No event can later appear below the last
   * one returned. On MariaDB and H2 positions are contiguous; on PostgreSQL a rolled-back append leaves
   * a gap, and a read waits up to 1 s for appends in flight when it began.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws StoreException if the database fails (transient for outages), or, not transient, if an
   *     event cannot be read (unknown type, an upcaster or Jackson fails); the message names the event
   *     and its position
   */
  @Override
  public List<EventEnvelope<?>> read(long afterPosition, int limit) {
    return call("reading events after position " + afterPosition,
        () -> reader.read(afterPosition, limit));
  }

  /**
   * Up to {@code limit} events of one partition with positions above {@code afterPosition}, and how
   * far the read looked. A partition of the stream id ({@link PartitionFilter#byStreamId()}) is
   * filtered by the database on the {@link Partitions#hash} stored with each event, over a bounded
   * range of positions, so each partition sends and decodes only its own events; the page's
   * {@link EventPage#scannedTo()} is never above the committed head, below which every event is
   * committed and visible, so no event can later appear at or below it. A projection's own partition
   * key is applied to unfiltered pages ({@link EventSource#read(long, int, PartitionFilter)}), as is
   * every read whose snapshot shows a hole in its range (MariaDB, rarely).
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws StoreException as {@link #read(long, int)}
   */
  @Override
  public EventPage read(long afterPosition, int limit, PartitionFilter filter) {
    Objects.requireNonNull(filter, "filter must not be null");
    if (filter.acceptsAll() || !filter.byStreamId()) {
      return EventSource.super.read(afterPosition, limit, filter);
    }
    return call("reading partition " + filter.partition() + " of " + filter.count() + " after position "
            + afterPosition, () -> reader.readPartition(afterPosition, limit, filter.partition(),
            filter.count()))
        .orElseGet(() -> EventSource.super.read(afterPosition, limit, filter));
  }

  /**
   * Up to {@code limit} events of one stream with versions above {@code afterVersion}, in version
   * order (to load an aggregate).
   *
   * @param streamId the stream
   * @param afterVersion the version to read after; 0 to read from the stream's first event
   * @param limit the most events to return
   * @return the events, in version order; empty if there are none after that version
   * @throws StoreException as {@link #read}
   */
  public List<EventEnvelope<?>> readStream(String streamId, long afterVersion, int limit) {
    Objects.requireNonNull(streamId, "streamId must not be null");
    return call("reading stream '" + EventReader.abbreviate(streamId) + "'",
        () -> reader.readStream(streamId, afterVersion, limit));
  }

  /** The position of the last committed event, 0 if there is none; every position up to it holds an event. */
  @Override
  public long headPosition() {
    return call("reading the head position", reader::headPosition);
  }

  /**
   * On PostgreSQL, waits until an event after {@code afterPosition} is committed (already, or
   * notified while waiting), or the timeout passes; true if one is, or if the listening connection was
   * re-opened meanwhile (a notification may have been missed, so the caller should look). On MariaDB
   * and H2, returns false at once: the caller polls.
   *
   * @throws StoreException (transient) if the listening connection cannot be opened
   */
  @Override
  public boolean awaitAppend(long afterPosition, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (!connection.notifiesAppends()) {
      return EventSource.super.awaitAppend(afterPosition, timeout);
    }
    return connection.awaitAppend(afterPosition, timeout, this::headPosition);
  }

  /** Stops listening and closes the pool this store opened; idempotent. */
  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return "JdbcEventStore[" + description + "]";
  }

  private <T> T call(String what, Supplier<T> action) {
    return connection.call(what, action);
  }
}
