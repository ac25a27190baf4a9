package io.orchestrix.projection.eventstore.jdbc.internal;

import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.jdbc.support.SchemaVersions;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.jdbc.support.TableNames;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The event store's tables and statements for one table prefix and dialect: {@code <prefix>events}
 * (one row per event, keyed by global position) and {@code <prefix>event_head} (one row, the last
 * allocated position), versioned as row {@link SchemaVersions#EVENT_STORE} of
 * {@code <prefix>schema_version}. Taking positions and notifying appends are here too, since they are
 * statements on the head and differ by database. Immutable and thread-safe.
 */
public final class EventTables {

  /** The longest event id, stream id and type name, in characters. */
  public static final int MAX_KEY_LENGTH = 512;
  /** The schema version of the event store's tables this code writes and reads. */
  public static final int VERSION = 3;

  private static final String COLUMNS = "position, event_id, stream_id, stream_version, type_name,"
      + " payload, metadata, occurred_at";

  private final SqlDialect dialect;
  private final TableNames names;

  /** The statements for these names. */
  public EventTables(SqlDialect dialect, TableNames names) {
    this.dialect = dialect;
    this.names = names;
  }

  /**
   * Brings the tables to {@link #VERSION} and checks that their key columns compare text exactly.
   *
   * @param description the store's description for messages (no password)
   * @throws io.orchestrix.projection.StoreConfigurationException if the stored version is newer than
   *     this code, or a key column compares text inexactly
   */
  public void migrate(JdbcDatabase database, String description) {
    SchemaVersions.migrate(database, names, new SchemaVersions.Component(SchemaVersions.EVENT_STORE,
        "event store", List.of(SchemaVersions.Migration.of(createStatements()),
            new PartitionHashMigration(dialect, events()),
            SchemaVersions.Migration.of(positionSequenceStatements()))), description);
    database.jdbi().useHandle(handle -> dialect.requireExactKeyColumns(handle, names.schema(),
        names.table("events"), List.of("event_id", "stream_id", "type_name"), description));
  }

  private List<String> createStatements() {
    String key = dialect.keyType();
    String json = dialect.documentType();
    String options = dialect.tableOptions();
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + events() + " ("
            + "position BIGINT NOT NULL PRIMARY KEY, "
            + "event_id " + key + " NOT NULL, "
            + "stream_id " + key + " NOT NULL, "
            + "stream_version BIGINT NOT NULL, "
            + "type_name " + key + " NOT NULL, "
            + "payload " + json + " NOT NULL, "
            + "metadata " + json + " NOT NULL, "
            + "occurred_at VARCHAR(40) NOT NULL, "
            + "CONSTRAINT " + eventIdKey() + " UNIQUE (event_id), "
            + "CONSTRAINT " + streamVersionKey() + " UNIQUE (stream_id, stream_version))"
            + options,
        "CREATE TABLE IF NOT EXISTS " + head() + " ("
            + "id INT NOT NULL PRIMARY KEY, "
            + "position BIGINT NOT NULL)" + options,
        // the head starts at the last position already stored, so a re-run never goes backwards
        "INSERT INTO " + head() + " (id, position) SELECT 1, COALESCE(MAX(position), 0) FROM "
            + events() + " WHERE NOT EXISTS (SELECT 1 FROM " + head() + " WHERE id = 1)");
  }

  /**
   * Schema step 2 to 3: on PostgreSQL, the sequence appends take positions from (owned by the events'
   * position column, so dropping the table drops it), starting after every position already given out;
   * nothing elsewhere.
   */
  private List<String> positionSequenceStatements() {
    if (!takesPositionsConcurrently()) {
      return List.of();
    }
    return List.of("CREATE SEQUENCE IF NOT EXISTS " + positionSequence() + " OWNED BY " + events()
            + ".position",
        "SELECT setval('" + positionSequence() + "', GREATEST((SELECT position FROM " + head()
            + " WHERE id = 1), (SELECT COALESCE(MAX(position), 0) FROM " + events() + ")) + 1, false)");
  }

  /**
   * Whether appends run concurrently, taking positions from a sequence, and readers stay below the
   * transaction-visibility horizon (PostgreSQL); else appends take positions under the head row's lock.
   */
  public boolean takesPositionsConcurrently() {
    return dialect.product() == SqlDialect.Product.POSTGRESQL;
  }

  /** PostgreSQL: the sequence of positions. */
  public String positionSequence() {
    return names.qualified("event_position");
  }

  /**
   * PostgreSQL: takes the transaction-level locks of the given streams' partition hashes (sorted, so
   * two appends never wait for each other in a cycle) in the advisory lock space of this table, so
   * appends to one stream read its version one after the other while appends to other streams run on,
   * and then makes sure the transaction has its id, before it takes any position (the horizon's proof
   * needs the id to come first).
   */
  public void lockStreams(Handle handle, int[] sortedHashes) {
    // one statement: both come before the positions, which is all the horizon's proof asks of the id
    handle.createQuery("SELECT COUNT(pg_advisory_xact_lock(:space, h)), MIN(pg_current_xact_id()::text)"
            + " FROM unnest(:hashes) AS h")
        .bind("space", names.qualified("events").hashCode())
        .bindArray("hashes", Integer.class, (Object[]) java.util.Arrays.stream(sortedHashes).boxed()
            .toArray(Integer[]::new))
        .mapToMap().one();
  }

  /** The table of events. */
  public String events() {
    return names.qualified("events");
  }

  /** The one-row table holding the last allocated position. */
  public String head() {
    return names.qualified("event_head");
  }

  /** The name of the unique constraint on (stream id, stream version). */
  public String streamVersionKey() {
    return names.identifier("events_stream_version");
  }

  private String eventIdKey() {
    return names.identifier("events_event_id");
  }

  /**
   * The PostgreSQL notification channel: a lower-case identifier of at most 63 characters, distinct
   * per schema and prefix.
   */
  public String channel() {
    return names.scoped("orx_events_");
  }

  /**
   * Takes {@code count} positions, in increasing order. On PostgreSQL, {@code nextval} of the position
   * sequence, which locks nothing until the transaction ends (positions of concurrent appends may
   * interleave, and a rolled-back append leaves its positions unused). Elsewhere, increments the one
   * row of the head and returns the positions up to its new value: the increment locks the row until
   * the transaction ends, which serialises appends; an {@code UPDATE} and a {@code SELECT} of the row
   * just locked.
   *
   * @throws IllegalStateException if the head has no row (the tables were changed by hand)
   */
  public long[] allocatePositions(Handle handle, int count) {
    if (takesPositionsConcurrently()) {
      return handle.createQuery("SELECT nextval('" + positionSequence() + "') FROM generate_series(1, :n)")
          .bind("n", count).mapTo(Long.class).stream().mapToLong(Long::longValue).sorted().toArray();
    }
    int updated = handle.createUpdate("UPDATE " + head() + " SET position = position + :n WHERE id = 1")
        .bind("n", count).execute();
    if (updated != 1) {
      throw new IllegalStateException("the event head table " + head() + " has no row 1");
    }
    long last = handle.createQuery(headSql()).mapTo(Long.class).one();
    long[] positions = new long[count];
    for (int i = 0; i < count; i++) {
      positions[i] = last - count + 1 + i;
    }
    return positions;
  }

  /** Whether appends notify listeners when they commit (PostgreSQL LISTEN/NOTIFY). */
  public boolean notifiesAppends() {
    return dialect.product() == SqlDialect.Product.POSTGRESQL;
  }

  /**
   * On PostgreSQL, queues {@code pg_notify} of the append's last position, delivered when (and only
   * if) the transaction commits; elsewhere nothing, and readers poll.
   */
  public void notifyAppend(Handle handle, long lastPosition) {
    if (notifiesAppends()) {
      handle.createQuery("SELECT 1 FROM (SELECT pg_notify(:channel, :payload)) AS notified")
          .bind("channel", channel()).bind("payload", Long.toString(lastPosition))
          .mapTo(Integer.class).one();
    }
  }

  /** Inserts one event; parameters named after the columns. */
  public String insertSql() {
    return "INSERT INTO " + events() + " (position, event_id, stream_id, stream_version,"
        + " type_name, payload, metadata, occurred_at, partition_hash) VALUES (:position, :event_id,"
        + " :stream_id, :stream_version, :type_name, " + dialect.documentParameter("payload") + ", "
        + dialect.documentParameter("metadata") + ", :occurred_at, :partition_hash)";
  }

  /** Events after {@code :after}, in position order, at most {@code :limit}. */
  public String readSql() {
    return "SELECT " + COLUMNS + " FROM " + events() + " WHERE position > :after ORDER BY position"
        + " LIMIT :limit";
  }

  /**
   * One partition's events in {@code (:after, upper]}, in position order, at most {@code :limit}, where
   * {@code upper} is the smaller of the committed head and {@code :after + :window}; the partition is
   * {@code MOD(partition_hash, :count) = :partition}, filtered by the database on the rows of the
   * position range (the primary key's range scan), so only the partition's rows are sent and decoded.
   * Every row carries {@code upper} and, where the dialect needs it ({@link #checksVisibleRange}), the
   * number of events of the whole range that this statement's snapshot sees; a range with no event of
   * the partition yields one row of nulls carrying them.
   */
  public String readPartitionSql() {
    if (takesPositionsConcurrently()) {
      return readBelowHorizonSql(true);
    }
    String upper = "LEAST((SELECT position FROM " + head() + " WHERE id = 1), :after + :window)";
    String visible = checksVisibleRange()
        ? "(SELECT COUNT(*) FROM " + events() + " WHERE position > :after AND position <= q.upper)"
        : "-1";
    return "SELECT r.upper, r.visible, 0, 0, 0, e.position, e.event_id, e.stream_id, e.stream_version,"
        + " e.type_name, e.payload, e.metadata, e.occurred_at"
        + " FROM (SELECT q.upper, " + visible + " AS visible FROM (SELECT " + upper + " AS upper) q) r"
        + " LEFT JOIN (SELECT " + COLUMNS + " FROM " + events() + " WHERE position > :after"
        + " AND position <= " + upper + " AND MOD(partition_hash, :count) = :partition"
        + " ORDER BY position LIMIT :limit) e ON 1 = 1 ORDER BY e.position";
  }

  /**
   * PostgreSQL: the events in {@code (:after, LEAST(upper, :after + :window)]}, of partition
   * {@code :partition} of {@code :count} if {@code partition}, in position order, at most
   * {@code :limit}, where {@code upper} is the horizon: the larger of {@code :safe} and, if this
   * snapshot's xmin has reached {@code :pendingXid}, {@code :pendingTaken} (see {@link Horizon}). Every
   * row carries {@code upper}, -1, this snapshot's xmin, 0, and the positions taken so far by the
   * sequence; a range without events yields one row of nulls carrying them.
   */
  public String readBelowHorizonSql(boolean partition) {
    return horizonSql() + "SELECT b.upper, -1, b.xmin, b.xmax, b.taken, e.position, e.event_id,"
        + " e.stream_id, e.stream_version, e.type_name, e.payload, e.metadata, e.occurred_at FROM b"
        + " LEFT JOIN LATERAL (SELECT " + COLUMNS + " FROM " + events() + " WHERE position > :after"
        + " AND position <= LEAST(b.upper, :after + :window)"
        + (partition ? " AND MOD(partition_hash, :count) = :partition" : "")
        + " ORDER BY position LIMIT :limit) e ON true ORDER BY e.position";
  }

  /**
   * PostgreSQL: the horizon (as {@link #readBelowHorizonSql}), -1, this snapshot's xmin, 0, the
   * positions taken, and the largest position of an event at or below the horizon.
   */
  public String headBelowHorizonSql() {
    return horizonSql() + "SELECT b.upper, -1, b.xmin, b.xmax, b.taken, (SELECT COALESCE(MAX(position),"
        + " 0) FROM " + events() + " WHERE position <= b.upper) FROM b";
  }

  private String horizonSql() {
    return "WITH x AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,"
        + " (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "
        + positionSequence() + ") AS taken),"
        + " b AS (SELECT xmin, 0 AS xmax, taken, GREATEST(CAST(:safe AS BIGINT),"
        + " CASE WHEN xmin >= :pendingXid THEN CAST(:pendingTaken AS BIGINT) ELSE 0 END) AS upper"
        + " FROM x) ";
  }

  /**
   * PostgreSQL: the positions taken so far, read from the sequence, and then a new transaction id
   * given to this statement's transaction, which is therefore above the id of every transaction that
   * had taken one of those positions (each append gets its id before its positions). The transaction
   * writes nothing, so its commit needs no flush.
   */
  public String probeSql() {
    return "WITH s AS MATERIALIZED (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
        + " AS taken FROM " + positionSequence() + ") SELECT s.taken,"
        + " pg_current_xact_id()::text::bigint FROM s";
  }

  /**
   * Whether a partition's read must count the events of its range to prove that its snapshot shows
   * them all: on MariaDB a read view can show a later commit before an earlier one, and on H2 the
   * store does not rely on the order in which commits become visible; a PostgreSQL snapshot that shows
   * the head's commit shows every commit made before it.
   */
  public boolean checksVisibleRange() {
    return dialect.product() != SqlDialect.Product.POSTGRESQL;
  }

  /** Events of stream {@code :stream} after version {@code :after}, in version order, at most {@code :limit}. */
  public String readStreamSql() {
    return "SELECT " + COLUMNS + " FROM " + events() + " WHERE stream_id = :stream AND stream_version > :after"
        + " ORDER BY stream_version LIMIT :limit";
  }

  /** The committed head position. */
  public String headSql() {
    return "SELECT position FROM " + head() + " WHERE id = 1";
  }

  /** The versions of the streams bound as the list {@code streams}; streams with no event are absent. */
  public String streamVersionsSql() {
    return "SELECT stream_id, MAX(stream_version) AS version FROM " + events()
        + " WHERE stream_id IN (<streams>) GROUP BY stream_id";
  }

  /** The version of stream {@code :stream}, 0 if it has no event. */
  public String streamVersionSql() {
    return "SELECT COALESCE(MAX(stream_version), 0) FROM " + events() + " WHERE stream_id = :stream";
  }
}
