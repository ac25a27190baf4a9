package io.orchestrix.projection.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The names of the store's tables and indexes for one table prefix and schema. Every name is built
 * from validated parts (a-z, 0-9, '_'), so none needs quoting, and none exceeds the 63 characters
 * PostgreSQL allows. Immutable and thread-safe.
 */
public final class TableNames {

  private static final int MAX_IDENTIFIER_LENGTH = 63;

  private final @Nullable String schema;
  private final String prefix;

  /** Names for tables called {@code <schema>.<prefix><name>}. */
  public TableNames(@Nullable String schema, String prefix) {
    this.schema = schema;
    this.prefix = prefix;
  }

  /** The schema, or null for the connection's default. */
  public @Nullable String schema() {
    return schema;
  }

  /** The table prefix. */
  public String prefix() {
    return prefix;
  }

  /** The table recording the schema version. */
  public String schemaVersion() {
    return qualify(prefix + "schema_version");
  }

  /** The table of projection states, checkpoints and writer tokens. */
  public String state() {
    return qualify(prefix + "state");
  }

  /** The table of dead letters. */
  public String deadLetter() {
    return qualify(prefix + "dead_letter");
  }

  /** The event store's table of events. */
  public String events() {
    return qualify(prefix + "events");
  }

  /** The event store's one-row table holding the last allocated position. */
  public String eventHead() {
    return qualify(prefix + "event_head");
  }

  /** The name of the unique constraint on (stream id, stream version) of the events table. */
  public String eventsStreamVersionKey() {
    return shorten(prefix + "events_stream_version");
  }

  /** The name of the unique constraint on the event id of the events table. */
  public String eventsEventIdKey() {
    return shorten(prefix + "events_event_id");
  }

  /**
   * The PostgreSQL notification channel of the event store: a lower-case identifier of at most 63
   * characters, distinct per schema and prefix.
   */
  public String eventChannel() {
    return shorten("orx_events_" + (schema == null ? "" : schema + "_") + prefix);
  }

  /** The unqualified table name of a read model. */
  public String readModelTableName(String readModel) {
    return prefix + "rm_" + readModel;
  }

  /** The qualified table of a read model. */
  public String readModel(String readModel) {
    return qualify(readModelTableName(readModel));
  }

  /** The name of the index on one indexed column of a read model (unqualified). */
  public String readModelIndex(String readModel, String index) {
    return shorten(prefix + "rm_" + readModel + "_" + index);
  }

  /** A name for the lock that serialises schema changes of these tables, at most 64 characters. */
  public String lockName() {
    return shorten("orx_schema_" + (schema == null ? "" : schema + "_") + prefix);
  }

  private String qualify(String table) {
    return schema == null ? table : schema + "." + table;
  }

  private static String shorten(String name) {
    if (name.length() <= MAX_IDENTIFIER_LENGTH) {
      return name;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return name.substring(0, 50) + "_" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
