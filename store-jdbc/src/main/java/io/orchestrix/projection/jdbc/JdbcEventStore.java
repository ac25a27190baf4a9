package io.orchestrix.projection.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.spi.support.StoreUris;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.StreamVersionConflictException;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.jdbc.internal.AppendListener;
import io.orchestrix.projection.jdbc.internal.Dialect;
import io.orchestrix.projection.jdbc.internal.Dialects;
import io.orchestrix.projection.jdbc.internal.EventTables;
import io.orchestrix.projection.jdbc.internal.Pools;
import io.orchestrix.projection.jdbc.internal.SchemaManager;
import io.orchestrix.projection.jdbc.internal.SqlErrors;
import io.orchestrix.projection.jdbc.internal.TableNames;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable event store on PostgreSQL, MariaDB or H2: an append API with optimistic concurrency per
 * stream, and an {@link EventSource} that a {@code ProjectionRunner} follows.
 *
 * <h2>Opening</h2>
 * {@link #open(String, EventTypes, JdbcStoreOptions)} opens its own HikariCP pool (one connection more
 * than {@link JdbcStoreOptions#poolSize()} on PostgreSQL, for listening), closed by {@link #close()};
 * {@link #create(DataSource, EventTypes, JdbcStoreOptions)} and {@link #create(Jdbi, EventTypes,
 * JdbcStoreOptions)} use the caller's pool, which {@link #close()} leaves open. Opening creates or
 * migrates the tables {@code <prefix>events} and {@code <prefix>event_head}; their schema version is
 * row 2 of {@code <prefix>schema_version}, the table the projection store keeps its own version in
 * (row 1), so one prefix can hold both. {@link EventTypes} names payload classes and reads payloads
 * back, through its upcasters.
 *
 * <h2>Ordering: gap-safe by construction</h2>
 * Every append increments the one row of {@code <prefix>event_head} first, which locks that row until
 * the append's transaction commits or rolls back, and takes the positions {@code head + 1 .. head + n}.
 * Appends therefore take positions one after the other in commit order: an append gets its positions
 * only after every earlier append has committed (and is visible) or rolled back (and returned its
 * positions to the head). The committed events are always exactly the positions {@code 1 ..
 * headPosition()}, with no gap. {@link #read} returns only the run of positions that continues from
 * its argument, stopping before a hole; by the invariant a hole is an event already committed but not
 * yet visible to this read's snapshot (MariaDB can show a later commit before an earlier one), so it
 * is returned by a later read, never skipped, and a rolled-back append leaves no hole to wait for.
 * The price is that appends are serialised: one locked section (a few statements and the commit) at
 * a time, and an append whose transaction is slow holds up the others. The README's "Event store"
 * section has the proof and measurements.
 *
 * <h2>Notifications</h2>
 * On PostgreSQL an append queues {@code pg_notify} in its transaction, delivered at commit;
 * {@link #awaitAppend} waits on one dedicated listening connection (opened on first use, re-opened after
 * failures), so a runner following this store sees an append within milliseconds without polling.
 * On MariaDB and H2 it returns false at once and the runner polls.
 *
 * <h2>Contract</h2>
 * Thread-safe. No argument may be null; nothing returned is null. Bad input ({@code null}, an empty
 * list, an unregistered payload class, a payload that cannot be serialised or stored) is refused before
 * anything is written. Failures of the database are {@link StoreException}s, transient for lost
 * connections, deadlocks and timeouts, with messages that never show a password. An append is all or
 * nothing, also across a crash.
 */
public final class JdbcEventStore implements EventSource, AutoCloseable {

  /** Expected version meaning "append whatever the stream's version is". */
  public static final long ANY_VERSION = -1;
  /** The longest payload or metadata JSON accepted, in characters (4 MiB). */
  public static final int MAX_JSON_LENGTH = 4 * 1024 * 1024;
  /** The longest stream id and event type name, in characters. */
  public static final int MAX_KEY_LENGTH = EventTables.MAX_KEY_LENGTH;

  private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};
  private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);
  private static final long HOLE_WARNING_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final EventTypes types;
  private final JdbcStoreOptions options;
  private final TableNames names;
  private final EventTables tables;
  private final String description;
  private final @Nullable AutoCloseable ownedPool;
  private final @Nullable AppendListener listener;
  private final ObjectMapper metadataMapper = new ObjectMapper();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The number missing at the last hole seen, and since when (nanoTime), for {@link #noteHole}. */
  private final long[] holeWatch = {0, 0};

  private JdbcEventStore(Jdbi jdbi, Dialect dialect, EventTypes types, JdbcStoreOptions options,
      String url, @Nullable AutoCloseable ownedPool) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.types = types;
    this.options = options;
    this.names = new TableNames(options.schema().orElse(null), options.tablePrefix());
    this.tables = new EventTables(dialect, names);
    this.description = url + " (tables " + options.schema().map(s -> s + ".").orElse("")
        + options.tablePrefix() + "event*)";
    this.ownedPool = ownedPool;
    this.listener = dialect.notifiesAppends()
        ? new AppendListener(jdbi, dialect, names.eventChannel(), description) : null;
  }

  /**
   * Opens an event store with its own connection pool on a JDBC URL ({@code jdbc:postgresql:},
   * {@code jdbc:mariadb:} or {@code jdbc:h2:}), taking options from properties
   * ({@link JdbcStoreOptions#PROPERTY_KEYS}).
   *
   * @throws StoreConfigurationException for an unsupported URL, an unknown property key or a bad
   *     value, or tables of a newer schema version
   * @throws StoreException (transient) if the database cannot be reached; the message names the URL
   *     without its password
   */
  public static JdbcEventStore open(String url, EventTypes types, Map<String, String> properties) {
    Objects.requireNonNull(properties, "properties must not be null");
    return open(url, types, JdbcStoreOptions.fromProperties(properties));
  }

  /** Opens an event store with its own connection pool; see {@link #open(String, EventTypes, Map)}. */
  public static JdbcEventStore open(String url, EventTypes types, JdbcStoreOptions options) {
    Objects.requireNonNull(url, "url must not be null");
    Objects.requireNonNull(types, "types must not be null");
    Objects.requireNonNull(options, "options must not be null");
    String redacted = StoreUris.redact(url);
    Dialect dialect = Dialects.forUrl(url, redacted);
    int listening = dialect.notifiesAppends() ? 1 : 0;
    HikariDataSource pool = Pools.open(url, redacted, dialect, options.poolSize() + listening,
        options.connectionTimeout().toMillis());
    try {
      JdbcEventStore store = new JdbcEventStore(Jdbi.create(pool), dialect, types, options, redacted, pool);
      store.migrate();
      return store;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * An event store on the caller's data source, which {@link #close()} does not close. On PostgreSQL,
   * {@link #awaitAppend} holds one of its connections for listening while the store is open. The
   * dialect is read from the database's metadata.
   *
   * @throws StoreConfigurationException if the database is not PostgreSQL, MariaDB or H2, or its tables
   *     are of a newer schema version
   * @throws StoreException if the database cannot be reached
   */
  public static JdbcEventStore create(DataSource dataSource, EventTypes types, JdbcStoreOptions options) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    return create(Jdbi.create(dataSource), types, options);
  }

  /** An event store on the caller's Jdbi; see {@link #create(DataSource, EventTypes, JdbcStoreOptions)}. */
  public static JdbcEventStore create(Jdbi jdbi, EventTypes types, JdbcStoreOptions options) {
    Objects.requireNonNull(jdbi, "jdbi must not be null");
    Objects.requireNonNull(types, "types must not be null");
    Objects.requireNonNull(options, "options must not be null");
    Dialects.Connected connected = Dialects.of(jdbi);
    Dialect dialect = connected.dialect();
    String url = connected.redactedUrl();
    JdbcEventStore store = new JdbcEventStore(jdbi, dialect, types, options, url, null);
    store.migrate();
    return store;
  }

  private void migrate() {
    call("opening the event store's schema", () -> {
      new SchemaManager(dialect, names, description).migrateEventStore(jdbi);
      return null;
    });
  }

  /** Where this store keeps its events, without password. */
  public String description() {
    return description;
  }

  /** The database this store works on: {@code PostgreSQL}, {@code MariaDB} or {@code H2}. */
  public String databaseName() {
    return dialect.name();
  }

  /** The options this store was opened with. */
  public JdbcStoreOptions options() {
    return options;
  }

  /** The event types this store names and reads payloads with. */
  public EventTypes eventTypes() {
    return types;
  }

  // ---- append

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
    public Appended {
      eventIds = List.copyOf(eventIds);
    }
  }

  /**
   * Work done in an append's transaction after its events are written and before it commits, for
   * example an outbox row or a command's own table; if it throws, nothing of the append is kept, and
   * its exception is thrown by {@code append}.
   *
   * <p>It runs while the append holds the event head's lock: every other append waits until this
   * transaction ends, so keep it short.
   */
  @FunctionalInterface
  public interface BeforeCommit {
    /** Runs in the append's transaction, on its handle. */
    void run(Handle handle, Appended appended);
  }

  /**
   * Appends one event to a stream whatever its version.
   *
   * @return the position of the event
   */
  public long append(String streamId, Object payload) {
    Objects.requireNonNull(payload, "payload must not be null (stream " + streamId + ")");
    return append(streamId, ANY_VERSION, List.of(payload));
  }

  /**
   * Appends events to a stream, all or nothing, with no metadata.
   *
   * @see #append(String, long, List, Map, BeforeCommit)
   */
  public long append(String streamId, long expectedVersion, List<?> payloads) {
    return append(streamId, expectedVersion, payloads, Map.of(), null);
  }

  /**
   * Appends events to a stream, all or nothing, each with the same metadata.
   *
   * @see #append(String, long, List, Map, BeforeCommit)
   */
  public long append(String streamId, long expectedVersion, List<?> payloads,
      Map<String, String> metadata) {
    return append(streamId, expectedVersion, payloads, metadata, null);
  }

  /**
   * Appends events to a stream in one transaction, all or nothing, each with the same metadata and a
   * new random event id, stamped with the options' clock; then runs {@code beforeCommit}, if given, in
   * the same transaction.
   *
   * @param expectedVersion the stream's current version (its number of events, 0 for a new stream), or
   *     {@link #ANY_VERSION}
   * @return the position of the last event appended
   * @throws StreamVersionConflictException if the stream is not at the expected version; nothing was
   *     appended
   * @throws NullPointerException if an argument, a payload or a metadata key or value is null
   * @throws IllegalArgumentException if the stream id is blank or too long, the list empty, or the
   *     expected version below {@link #ANY_VERSION}
   * @throws SerializationException if a payload's class is not in the {@link EventTypes}, or a payload
   *     cannot be turned into JSON or stored by this database; nothing was appended
   * @throws StoreException if the database fails (transient for outages); nothing was appended, unless
   *     the connection was lost during the commit itself, when the outcome is unknown
   */
  public long append(String streamId, long expectedVersion, List<?> payloads,
      Map<String, String> metadata, @Nullable BeforeCommit beforeCommit) {
    List<PreparedEvent> events = prepare(streamId, expectedVersion, payloads, metadata);
    String what = "append of " + events.size() + " event(s) to stream '" + abbreviate(streamId) + "'";
    try {
      return call(what, () -> inReadCommittedTransaction(
          handle -> appendLocked(handle, streamId, expectedVersion, events, beforeCommit)));
    } catch (StoreException e) {
      if (isStreamVersionDuplicate(e)) {
        throw new StreamVersionConflictException(streamId, expectedVersion, streamVersion(streamId));
      }
      throw e;
    }
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
    public StreamAppend {
      Objects.requireNonNull(streamId, "streamId must not be null");
      Objects.requireNonNull(payloads, "payloads must not be null (stream " + streamId + ")");
      payloads = List.copyOf(payloads);
    }
  }

  /**
   * Appends to several streams in one transaction, all or nothing, in the order given: positions follow
   * that order, and each part's expected version is checked against its stream as the earlier parts of
   * this call left it. Appends are serialised, so one transaction of many events costs about what one
   * event costs; use this to load or import a stream of interleaved aggregates.
   *
   * @return the position of the last event appended
   * @throws StreamVersionConflictException if a part's stream is not at its expected version; nothing
   *     was appended
   * @throws IllegalArgumentException if the list is empty, or as {@link #append(String, long, List)}
   * @throws SerializationException as {@link #append(String, long, List)}; nothing was appended
   * @throws StoreException as {@link #append(String, long, List)}
   */
  public long appendAll(List<StreamAppend> appends) {
    Objects.requireNonNull(appends, "appends must not be null");
    if (appends.isEmpty()) {
      throw new IllegalArgumentException("appends must not be empty");
    }
    List<List<PreparedEvent>> prepared = new ArrayList<>(appends.size());
    int total = 0;
    for (StreamAppend append : appends) {
      List<PreparedEvent> events =
          prepare(append.streamId(), append.expectedVersion(), append.payloads(), Map.of());
      prepared.add(events);
      total += events.size();
    }
    String what = "append of " + total + " event(s) in " + appends.size() + " stream part(s)";
    int count = total;
    try {
      return call(what, () -> inReadCommittedTransaction(
          handle -> appendAllLocked(handle, appends, prepared, count)));
    } catch (StoreException e) {
      if (isStreamVersionDuplicate(e)) {
        throw StoreException.outage("a multi-stream append met a concurrent append to one of its streams"
            + " (duplicate stream version); nothing was appended", null, e);
      }
      throw e;
    }
  }

  /** The locked section of {@link #appendAll}: one position allocation, one version read, one batch. */
  private long appendAllLocked(Handle handle, List<StreamAppend> appends,
      List<List<PreparedEvent>> prepared, int count) {
    long last;
    try {
      last = dialect.allocatePositions(handle, names.eventHead(), count);
    } catch (IllegalStateException e) {
      throw StoreException.failure(e.getMessage() + " in " + description + ": the event store's tables"
          + " were changed by hand", null, e);
    }
    Map<String, Long> versions = new HashMap<>();
    List<String> streams = appends.stream().map(StreamAppend::streamId).distinct().toList();
    for (int from = 0; from < streams.size(); from += 500) {
      handle.createQuery(tables.streamVersionsSql())
          .bindList("streams", streams.subList(from, Math.min(streams.size(), from + 500)))
          .map((rs, ctx) -> Map.entry(rs.getString("stream_id"), rs.getLong("version")))
          .forEach(entry -> versions.put(entry.getKey(), entry.getValue()));
    }
    long position = last - count + 1;
    PreparedBatch batch = handle.prepareBatch(tables.insertSql());
    for (int i = 0; i < appends.size(); i++) {
      StreamAppend append = appends.get(i);
      long version = versions.getOrDefault(append.streamId(), 0L);
      if (append.expectedVersion() != ANY_VERSION && append.expectedVersion() != version) {
        throw new StreamVersionConflictException(append.streamId(), append.expectedVersion(), version);
      }
      for (PreparedEvent event : prepared.get(i)) {
        version++;
        batch.bind("position", position++)
            .bind("event_id", event.eventId())
            .bind("stream_id", append.streamId())
            .bind("stream_version", version)
            .bind("type_name", event.typeName())
            .bind("payload", event.payload())
            .bind("metadata", event.metadata())
            .bind("occurred_at", event.occurredAt())
            .add();
      }
      versions.put(append.streamId(), version);
    }
    batch.execute();
    dialect.notifyAppend(handle, names.eventChannel(), last);
    return last;
  }


  private record PreparedEvent(String eventId, String typeName, String payload, String metadata,
      String occurredAt) {}

  /** Everything slow or fallible that needs no lock: validation, type names, JSON. */
  private List<PreparedEvent> prepare(String streamId, long expectedVersion, List<?> payloads,
      Map<String, String> metadata) {
    Objects.requireNonNull(streamId, "streamId must not be null");
    Objects.requireNonNull(payloads, "payloads must not be null (stream " + streamId + ")");
    Objects.requireNonNull(metadata, "metadata must not be null (stream " + streamId + ")");
    if (streamId.isBlank() || streamId.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("streamId must be 1 to " + MAX_KEY_LENGTH
          + " characters, not blank, but was '" + abbreviate(streamId) + "'");
    }
    if (expectedVersion < ANY_VERSION) {
      throw new IllegalArgumentException("expectedVersion must be " + ANY_VERSION
          + " (any) or at least 0 but was " + expectedVersion + " (stream " + streamId + ")");
    }
    if (payloads.isEmpty()) {
      throw new IllegalArgumentException("payloads must not be empty (stream " + streamId + ")");
    }
    metadata.forEach((key, value) -> {
      Objects.requireNonNull(key, "a metadata key must not be null (stream " + streamId + ")");
      Objects.requireNonNull(value, "metadata '" + key + "' must not be null (stream " + streamId + ")");
    });
    String metadataJson;
    try {
      metadataJson = metadataMapper.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new SerializationException("cannot serialise the metadata of an append to stream '"
          + streamId + "': " + e.getMessage(), e);
    }
    String occurredAt = options.clock().instant().toString();
    List<PreparedEvent> events = new ArrayList<>(payloads.size());
    for (Object payload : payloads) {
      Objects.requireNonNull(payload, "a payload must not be null (stream " + streamId + ")");
      String typeName = types.nameOf(payload.getClass());
      String json = types.toJson(payload);
      String eventId = UUID.randomUUID().toString();
      String refusal = refusalOf(eventId, typeName, json, metadataJson, streamId);
      if (refusal != null) {
        throw new SerializationException("cannot store event " + eventId + " of type '" + typeName
            + "' in stream '" + abbreviate(streamId) + "': " + refusal + "; nothing was appended", null);
      }
      events.add(new PreparedEvent(eventId, typeName, json, metadataJson, occurredAt));
    }
    return events;
  }

  private @Nullable String refusalOf(String eventId, String typeName, String json, String metadataJson,
      String streamId) {
    if (json.length() > MAX_JSON_LENGTH) {
      return "its JSON has " + json.length() + " characters, more than the " + MAX_JSON_LENGTH
          + " the JDBC event store accepts";
    }
    if (metadataJson.length() > MAX_JSON_LENGTH) {
      return "its metadata JSON has " + metadataJson.length() + " characters, more than the "
          + MAX_JSON_LENGTH + " the JDBC event store accepts";
    }
    if (typeName.length() > MAX_KEY_LENGTH) {
      return "its type name has more than " + MAX_KEY_LENGTH + " characters";
    }
    String refusal = dialect.refusalOf(eventId, json, List.of(typeName, streamId));
    return refusal != null ? refusal : dialect.refusalOf(eventId, metadataJson, List.of());
  }

  /**
   * The locked section: from taking positions (which locks the head row) to the end of the
   * transaction. Nothing slow happens here but the caller's {@link BeforeCommit}.
   */
  private long appendLocked(Handle handle, String streamId, long expectedVersion,
      List<PreparedEvent> events, @Nullable BeforeCommit beforeCommit) {
    int count = events.size();
    long last;
    try {
      last = dialect.allocatePositions(handle, names.eventHead(), count);
    } catch (IllegalStateException e) {
      throw StoreException.failure(e.getMessage() + " in " + description + ": the event store's tables"
          + " were changed by hand", null, e);
    }
    long first = last - count + 1;
    // read after taking the lock: every earlier append has committed or rolled back by now
    long version = handle.createQuery(tables.streamVersionSql()).bind("stream", streamId)
        .mapTo(Long.class).one();
    if (expectedVersion != ANY_VERSION && expectedVersion != version) {
      throw new StreamVersionConflictException(streamId, expectedVersion, version);
    }
    PreparedBatch batch = handle.prepareBatch(tables.insertSql());
    for (int i = 0; i < count; i++) {
      PreparedEvent event = events.get(i);
      batch.bind("position", first + i)
          .bind("event_id", event.eventId())
          .bind("stream_id", streamId)
          .bind("stream_version", version + 1 + i)
          .bind("type_name", event.typeName())
          .bind("payload", event.payload())
          .bind("metadata", event.metadata())
          .bind("occurred_at", event.occurredAt())
          .add();
    }
    batch.execute();
    dialect.notifyAppend(handle, names.eventChannel(), last);
    if (beforeCommit != null) {
      beforeCommit.run(handle, new Appended(streamId, first, last, version + count,
          events.stream().map(PreparedEvent::eventId).toList()));
    }
    return last;
  }

  private boolean isStreamVersionDuplicate(StoreException failure) {
    String constraint = names.eventsStreamVersionKey().toLowerCase(java.util.Locale.ROOT);
    for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException e = sql; e != null; e = e.getNextException()) {
          if (dialect.isDuplicateKey(e)
              && String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains(constraint)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The version of a stream: how many events it has, 0 if none. */
  public long streamVersion(String streamId) {
    Objects.requireNonNull(streamId, "streamId must not be null");
    return call("reading the version of stream '" + abbreviate(streamId) + "'",
        () -> jdbi.withHandle(handle -> handle.createQuery(tables.streamVersionSql())
            .bind("stream", streamId).mapTo(Long.class).one()));
  }

  // ---- read

  /**
   * Up to {@code limit} events with positions above {@code afterPosition}, in position order, payloads
   * read through the {@link EventTypes} (and their upcasters). Positions are contiguous: the events
   * returned are exactly the next ones, and no event can later appear below the last one returned.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws StoreException if the database fails (transient for outages), or, not transient, if an
   *     event cannot be read (unknown type, an upcaster or Jackson fails); the message names the event
   *     and its position
   */
  @Override
  public List<EventEnvelope<?>> read(long afterPosition, int limit) {
    requirePositiveLimit(limit);
    List<Row> rows = call("reading events after position " + afterPosition,
        () -> readCommitted(handle -> handle.createQuery(tables.readSql())
            .bind("after", Math.max(0, afterPosition)).bind("limit", limit)
            .map((rs, ctx) -> Row.of(rs)).list()));
    return decode(contiguous(rows, Math.max(0, afterPosition), Row::position, "position"));
  }

  /**
   * Up to {@code limit} events of one stream with versions above {@code afterVersion}, in version
   * order (to load an aggregate).
   *
   * @throws StoreException as {@link #read}
   */
  public List<EventEnvelope<?>> readStream(String streamId, long afterVersion, int limit) {
    Objects.requireNonNull(streamId, "streamId must not be null");
    requirePositiveLimit(limit);
    List<Row> rows = call("reading stream '" + abbreviate(streamId) + "'",
        () -> readCommitted(handle -> handle.createQuery(tables.readStreamSql())
            .bind("stream", streamId).bind("after", afterVersion).bind("limit", limit)
            .map((rs, ctx) -> Row.of(rs)).list()));
    return decode(contiguous(rows, Math.max(0, afterVersion), Row::streamVersion, "version"));
  }

  /**
   * The rows up to the first hole in their numbering. Positions (and a stream's versions) are
   * contiguous among committed events by construction, so a hole is an event that committed before
   * one this snapshot sees, yet is not visible to it: MariaDB builds its read views without a global
   * lock and can show a later commit without an earlier one. Stopping at the hole means a later read
   * returns it; stopping never waits for anything that may not commit, since rolled-back appends leave
   * no hole.
   */
  private List<Row> contiguous(List<Row> rows, long after, ToLongFunction<Row> number, String what) {
    long expected = after + 1;
    for (int i = 0; i < rows.size(); i++, expected++) {
      long found = number.applyAsLong(rows.get(i));
      if (found != expected) {
        noteHole(what, expected, found);
        return rows.subList(0, i);
      }
    }
    return rows;
  }

  private static void requirePositiveLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
    }
  }

  private record Row(long position, String eventId, String streamId, long streamVersion,
      String typeName, String payload, String metadata, String occurredAt) {
    static Row of(java.sql.ResultSet rs) throws SQLException {
      return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
          rs.getString(6), rs.getString(7), rs.getString(8));
    }
  }

  /**
   * A hole lasts for one read or two; one that lasts means a row was deleted by hand, and the reader
   * would wait at it for ever: say so, once per hole.
   */
  private void noteHole(String what, long missing, long found) {
    LOG.debug("{}: {} {} is not visible yet to this read though {} is; stopping the page before it",
        description, what, missing, found);
    long now = System.nanoTime();
    synchronized (holeWatch) {
      if (holeWatch[0] != missing) {
        holeWatch[0] = missing;
        holeWatch[1] = now;
      } else if (holeWatch[1] != Long.MIN_VALUE && now - holeWatch[1] > HOLE_WARNING_NANOS) {
        holeWatch[1] = Long.MIN_VALUE;
        LOG.warn("{}: {} {} has been missing for more than {} s while {} exists; readers wait at it."
            + " Were rows of the events table deleted by hand?", description, what, missing,
            TimeUnit.NANOSECONDS.toSeconds(HOLE_WARNING_NANOS), found);
      }
    }
  }

  /** Payloads are read outside the transaction: upcasting never holds a connection. */
  private List<EventEnvelope<?>> decode(List<Row> rows) {
    List<EventEnvelope<?>> envelopes = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Object payload;
      Map<String, String> metadata;
      try {
        payload = types.fromJson(row.typeName(), row.payload());
        metadata = metadataMapper.readValue(row.metadata(), METADATA);
      } catch (SerializationException | JsonProcessingException e) {
        throw StoreException.failure("event " + row.eventId() + " at position " + row.position()
            + " of stream '" + abbreviate(row.streamId()) + "' (type '" + row.typeName()
            + "') in " + description + " cannot be read: " + e.getMessage(), null, e);
      }
      envelopes.add(new EventEnvelope<>(row.eventId(), row.streamId(), row.position(),
          Instant.parse(row.occurredAt()), metadata, payload));
    }
    return List.copyOf(envelopes);
  }

  /** The position of the last committed event, 0 if there is none; every position up to it holds an event. */
  @Override
  public long headPosition() {
    return call("reading the head position",
        () -> readCommitted(handle -> handle.createQuery(tables.headSql()).mapTo(Long.class).one()));
  }

  /**
   * A transaction in READ COMMITTED. The pool this store opens is in READ COMMITTED already (HikariCP
   * sets it on every connection and restores it on return); on the caller's pool Jdbi sets it for the
   * transaction and restores the connection's own level after, which costs a round trip on PostgreSQL.
   */
  private <T> T inReadCommittedTransaction(HandleCallback<T, RuntimeException> work) {
    return ownedPool != null ? jdbi.inTransaction(work)
        : jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, work);
  }

  /**
   * One read in READ COMMITTED: on this store's own pool a single statement in auto-commit, whose
   * snapshot is taken when the statement starts; on the caller's pool a READ COMMITTED transaction.
   */
  private <T> T readCommitted(HandleCallback<T, RuntimeException> work) {
    return ownedPool != null ? jdbi.withHandle(work) : inReadCommittedTransaction(work);
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
    if (listener == null) {
      return EventSource.super.awaitAppend(afterPosition, timeout);
    }
    if (closed.get()) {
      throw StoreException.failure("waiting for appends failed: the event store on " + description
          + " is closed", null, null);
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    AppendListener.Ticket ticket = listener.ticket(deadline);
    if (ticket == null) {
      return false;
    }
    // listening before looking: an append committed after this look is notified
    if (headPosition() > afterPosition) {
      return true;
    }
    return listener.awaitNotification(ticket, afterPosition, deadline);
  }

  /** Stops listening and closes the pool this store opened; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (listener != null) {
      listener.close();
    }
    Pools.close(ownedPool, description);
  }

  @Override
  public String toString() {
    return "JdbcEventStore[" + description + "]";
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  private <T> T call(String what, Supplier<T> action) {
    if (closed.get()) {
      throw StoreException.failure(what + " failed: the event store on " + description + " is closed", null, null);
    }
    try {
      return action.get();
    } catch (JdbiException e) {
      throw SqlErrors.toStoreException(dialect, what, description, null, e);
    }
  }
}
