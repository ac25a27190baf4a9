package io.orchestrix.projection.jdbc.internal;

import java.util.List;

/**
 * The event store's tables and statements for one table prefix and dialect: {@code <prefix>events}
 * (one row per event, keyed by global position) and {@code <prefix>event_head} (one row, the last
 * allocated position). Immutable and thread-safe.
 */
public final class EventTables {

  /** The longest event id, stream id and type name, in characters. */
  public static final int MAX_KEY_LENGTH = 512;

  private final Dialect dialect;
  private final TableNames names;

  /** The statements for these names. */
  public EventTables(Dialect dialect, TableNames names) {
    this.dialect = dialect;
    this.names = names;
  }

  /** The statements that take the event store's schema from version {@code i} to {@code i + 1}. */
  static List<List<String>> migrations(Dialect dialect, TableNames names) {
    String key = dialect.keyType();
    String json = dialect.documentType();
    String options = dialect.tableOptions();
    return List.of(List.of(
        "CREATE TABLE IF NOT EXISTS " + names.events() + " ("
            + "position BIGINT NOT NULL PRIMARY KEY, "
            + "event_id " + key + " NOT NULL, "
            + "stream_id " + key + " NOT NULL, "
            + "stream_version BIGINT NOT NULL, "
            + "type_name " + key + " NOT NULL, "
            + "payload " + json + " NOT NULL, "
            + "metadata " + json + " NOT NULL, "
            + "occurred_at VARCHAR(40) NOT NULL, "
            + "CONSTRAINT " + names.eventsEventIdKey() + " UNIQUE (event_id), "
            + "CONSTRAINT " + names.eventsStreamVersionKey() + " UNIQUE (stream_id, stream_version))"
            + options,
        "CREATE TABLE IF NOT EXISTS " + names.eventHead() + " ("
            + "id INT NOT NULL PRIMARY KEY, "
            + "position BIGINT NOT NULL)" + options,
        // the head starts at the last position already stored, so a re-run never goes backwards
        "INSERT INTO " + names.eventHead() + " (id, position) SELECT 1, COALESCE(MAX(position), 0) FROM "
            + names.events() + " WHERE NOT EXISTS (SELECT 1 FROM " + names.eventHead()
            + " WHERE id = 1)"));
  }

  /** The names these statements use. */
  public TableNames names() {
    return names;
  }

  /** Inserts one event; parameters named after the columns. */
  public String insertSql() {
    return "INSERT INTO " + names.events() + " (position, event_id, stream_id, stream_version,"
        + " type_name, payload, metadata, occurred_at) VALUES (:position, :event_id, :stream_id,"
        + " :stream_version, :type_name, " + dialect.documentParameter("payload") + ", "
        + dialect.documentParameter("metadata") + ", :occurred_at)";
  }

  /** Events after {@code :after}, in position order, at most {@code :limit}. */
  public String readSql() {
    return "SELECT position, event_id, stream_id, stream_version, type_name, payload, metadata,"
        + " occurred_at FROM " + names.events() + " WHERE position > :after ORDER BY position"
        + " LIMIT :limit";
  }

  /** Events of stream {@code :stream} after version {@code :after}, in version order, at most {@code :limit}. */
  public String readStreamSql() {
    return "SELECT position, event_id, stream_id, stream_version, type_name, payload, metadata,"
        + " occurred_at FROM " + names.events() + " WHERE stream_id = :stream AND stream_version > :after"
        + " ORDER BY stream_version LIMIT :limit";
  }

  /** The committed head position. */
  public String headSql() {
    return "SELECT position FROM " + names.eventHead() + " WHERE id = 1";
  }

  /** The version of stream {@code :stream}, 0 if it has no event. */
  /** The versions of the streams bound as the list {@code streams}; streams with no event are absent. */
  public String streamVersionsSql() {
    return "SELECT stream_id, MAX(stream_version) AS version FROM " + names.events()
        + " WHERE stream_id IN (<streams>) GROUP BY stream_id";
  }

  public String streamVersionSql() {
    return "SELECT COALESCE(MAX(stream_version), 0) FROM " + names.events() + " WHERE stream_id = :stream";
  }
}
