package io.orchestrix.projection.eventstore.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orchestrix.projection.Partitions;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.StreamVersionConflictException;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore.Appended;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore.BeforeCommit;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore.StreamAppend;
import io.orchestrix.projection.eventstore.jdbc.internal.EventReader;
import io.orchestrix.projection.eventstore.jdbc.internal.EventTables;
import io.orchestrix.projection.eventstore.jdbc.internal.ReadCommitted;
import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.spi.StorableText;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jspecify.annotations.Nullable;

/**
 * The append half of {@link JdbcEventStore}: everything slow or fallible that needs no lock
 * (validation, type names, JSON, the text rule) happens in {@link #prepare}, before the transaction;
 * the locked section, from taking positions to the end of the transaction, is a few short statements
 * and the caller's {@link BeforeCommit}. Thread-safe.
 *
 * <h2>Positions on MariaDB and H2</h2>
 * Every append increments the one row of {@code <prefix>event_head} first, which locks that row until
 * the append's transaction commits or rolls back, and takes the positions {@code head + 1 .. head + n}.
 * Appends therefore take positions one after the other in commit order: an append gets its positions
 * only after every earlier append has committed (and is visible) or rolled back (and returned its
 * positions to the head). The committed events are always exactly the positions {@code 1 ..
 * headPosition()}, with no gap. A read returns only the run of positions that continues from its
 * argument, stopping before a hole; by this invariant a hole is an event already committed but not
 * yet visible to the read's snapshot (MariaDB can show a later commit before an earlier one), so it
 * is returned by a later read, never skipped, and a rolled-back append leaves no hole to wait for.
 * The locked section is one at a time: a few statements and the commit.
 */
final class EventAppender {

  /** How many stream ids one query of a multi-stream append asks the versions of. */
  private static final int STREAMS_PER_QUERY = 500;

  private final JdbcDatabase database;
  private final EventTables tables;
  private final EventTypes types;
  private final Clock clock;
  private final String description;
  private final ObjectMapper metadataMapper = new ObjectMapper();

  EventAppender(JdbcDatabase database, EventTables tables, EventTypes types, Clock clock,
      String description) {
    this.database = database;
    this.tables = tables;
    this.types = types;
    this.clock = clock;
    this.description = description;
  }

  /** An event ready to insert: a new id, its type name and JSON, the append's metadata and time. */
  record PreparedEvent(String eventId, String typeName, String payload, String metadata,
      String occurredAt) {}

  /**
   * Checks one stream's part of an append and turns its payloads into rows.
   *
   * @throws NullPointerException for a null argument, payload or metadata key or value
   * @throws IllegalArgumentException for a blank, over-long or unstorable stream id, an empty list or
   *     a version below {@link JdbcEventStore#ANY_VERSION}
   * @throws SerializationException for an unregistered payload class, or a payload that cannot be
   *     written or stored
   */
  List<PreparedEvent> prepare(String streamId, long expectedVersion, List<?> payloads,
      Map<String, String> metadata) {
    Objects.requireNonNull(streamId, "streamId must not be null");
    Objects.requireNonNull(payloads, "payloads must not be null (stream " + streamId + ")");
    Objects.requireNonNull(metadata, "metadata must not be null (stream " + streamId + ")");
    if (streamId.isBlank() || streamId.length() > EventTables.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("streamId must be 1 to " + EventTables.MAX_KEY_LENGTH
          + " characters, not blank, but was '" + EventReader.abbreviate(streamId) + "'");
    }
    if (!StorableText.isStorable(streamId)) {
      throw new IllegalArgumentException("streamId '" + EventReader.abbreviate(streamId) + "' holds"
          + " U+0000 or an unpaired surrogate, which no database can keep exactly");
    }
    if (expectedVersion < JdbcEventStore.ANY_VERSION) {
      throw new IllegalArgumentException("expectedVersion must be " + JdbcEventStore.ANY_VERSION
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
    String occurredAt = clock.instant().toString();
    List<PreparedEvent> events = new ArrayList<>(payloads.size());
    for (Object payload : payloads) {
      Objects.requireNonNull(payload, "a payload must not be null (stream " + streamId + ")");
      String typeName = types.nameOf(payload.getClass());
      String json = types.toJson(payload);
      String eventId = UUID.randomUUID().toString();
      String refusal = refusalOf(typeName, json, metadataJson);
      if (refusal != null) {
        throw new SerializationException("cannot store event " + eventId + " of type '" + typeName
            + "' in stream '" + EventReader.abbreviate(streamId) + "': " + refusal
            + "; nothing was appended", null);
      }
      events.add(new PreparedEvent(eventId, typeName, json, metadataJson, occurredAt));
    }
    return events;
  }

  /**
   * Checks every part of a multi-stream append and turns its payloads into rows.
   *
   * @throws IllegalArgumentException if the list is empty, or as {@link #prepare}
   */
  List<List<PreparedEvent>> prepareAll(List<StreamAppend> appends) {
    Objects.requireNonNull(appends, "appends must not be null");
    if (appends.isEmpty()) {
      throw new IllegalArgumentException("appends must not be empty");
    }
    List<List<PreparedEvent>> prepared = new ArrayList<>(appends.size());
    for (StreamAppend append : appends) {
      prepared.add(prepare(append.streamId(), append.expectedVersion(), append.payloads(), Map.of()));
    }
    return prepared;
  }

  private static @Nullable String refusalOf(String typeName, String json, String metadataJson) {
    if (json.length() > JdbcEventStore.MAX_JSON_LENGTH) {
      return "its JSON has " + json.length() + " characters, more than the "
          + JdbcEventStore.MAX_JSON_LENGTH + " the JDBC event store accepts";
    }
    if (metadataJson.length() > JdbcEventStore.MAX_JSON_LENGTH) {
      return "its metadata JSON has " + metadataJson.length() + " characters, more than the "
          + JdbcEventStore.MAX_JSON_LENGTH + " the JDBC event store accepts";
    }
    if (typeName.length() > EventTables.MAX_KEY_LENGTH) {
      return "its type name has more than " + EventTables.MAX_KEY_LENGTH + " characters";
    }
    if (!StorableText.isStorable(typeName) || !isStorableJson(json) || !isStorableJson(metadataJson)) {
      return "its type name, JSON or metadata holds U+0000 (or its \\u0000 escape) or an unpaired"
          + " surrogate, which no database can keep exactly";
    }
    return null;
  }

  /** The text rule of {@link StorableText} applied to JSON: its characters and its NUL escapes. */
  private static boolean isStorableJson(String json) {
    if (!StorableText.isStorable(json)) {
      return false;
    }
    for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
      int backslashes = 0;
      for (int i = at - 1; i >= 0 && json.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Appends one stream's prepared events in one READ COMMITTED transaction, then runs
   * {@code beforeCommit} in it.
   *
   * @return the position of the last event
   * @throws StreamVersionConflictException if the stream is not at the expected version, found by the
   *     check under the head's lock or by the unique key on (stream id, stream version) behind it
   */
  long append(String streamId, long expectedVersion, List<PreparedEvent> events,
      @Nullable BeforeCommit beforeCommit) {
    try {
      return ReadCommitted.transaction(database,
          handle -> appendLocked(handle, streamId, expectedVersion, events, beforeCommit));
    } catch (JdbiException e) {
      if (isStreamVersionDuplicate(e)) {
        long version = database.jdbi().withHandle(handle -> streamVersion(handle, streamId));
        throw new StreamVersionConflictException(streamId, expectedVersion, version);
      }
      throw e;
    }
  }

  private long appendLocked(Handle handle, String streamId, long expectedVersion,
      List<PreparedEvent> events, @Nullable BeforeCommit beforeCommit) {
    int count = events.size();
    boolean concurrent = tables.takesPositionsConcurrently();
    long[] positions = concurrent ? null : allocate(handle, count);
    if (concurrent) {
      tables.lockStreams(handle, new int[] {Partitions.hash(streamId)});
    }
    // read after taking the head's or the stream's lock: every earlier append to the stream has ended
    long version = streamVersion(handle, streamId);
    if (expectedVersion != JdbcEventStore.ANY_VERSION && expectedVersion != version) {
      throw new StreamVersionConflictException(streamId, expectedVersion, version);
    }
    if (positions == null) {
      positions = allocate(handle, count);
    }
    PreparedBatch batch = handle.prepareBatch(tables.insertSql());
    for (int i = 0; i < count; i++) {
      add(batch, events.get(i), positions[i], streamId, version + 1 + i);
    }
    batch.execute();
    long last = positions[count - 1];
    tables.notifyAppend(handle, last);
    if (beforeCommit != null) {
      beforeCommit.run(handle, new Appended(streamId, positions[0], last, version + count,
          events.stream().map(PreparedEvent::eventId).toList()));
    }
    return last;
  }

  private long streamVersion(Handle handle, String streamId) {
    return handle.createQuery(tables.streamVersionSql()).bind("stream", streamId)
        .mapTo(Long.class).one();
  }

  /**
   * Appends several streams' prepared events in one READ COMMITTED transaction: one position
   * allocation, one read of the streams' versions, one batch.
   *
   * @return the position of the last event
   * @throws StreamVersionConflictException if a part's stream is not at its expected version
   */
  long appendAll(List<StreamAppend> appends, List<List<PreparedEvent>> prepared, int count) {
    try {
      return ReadCommitted.transaction(database,
          handle -> appendAllLocked(handle, appends, prepared, count));
    } catch (JdbiException e) {
      if (isStreamVersionDuplicate(e)) {
        throw StoreException.outage("a multi-stream append met a concurrent append to one of its"
            + " streams (duplicate stream version); nothing was appended", null, e);
      }
      throw e;
    }
  }

  private long appendAllLocked(Handle handle, List<StreamAppend> appends,
      List<List<PreparedEvent>> prepared, int count) {
    boolean concurrent = tables.takesPositionsConcurrently();
    long[] positions = concurrent ? null : allocate(handle, count);
    if (concurrent) {
      tables.lockStreams(handle, appends.stream().mapToInt(a -> Partitions.hash(a.streamId()))
          .distinct().sorted().toArray());
    }
    Map<String, Long> versions = versionsOf(handle,
        appends.stream().map(StreamAppend::streamId).distinct().toList());
    long[] versionBefore = new long[appends.size()];
    for (int i = 0; i < appends.size(); i++) {
      StreamAppend append = appends.get(i);
      long version = versions.getOrDefault(append.streamId(), 0L);
      if (append.expectedVersion() != JdbcEventStore.ANY_VERSION
          && append.expectedVersion() != version) {
        throw new StreamVersionConflictException(append.streamId(), append.expectedVersion(), version);
      }
      versionBefore[i] = version;
      versions.put(append.streamId(), version + prepared.get(i).size());
    }
    if (positions == null) {
      positions = allocate(handle, count);
    }
    int next = 0;
    PreparedBatch batch = handle.prepareBatch(tables.insertSql());
    for (int i = 0; i < appends.size(); i++) {
      long version = versionBefore[i];
      for (PreparedEvent event : prepared.get(i)) {
        add(batch, event, positions[next++], appends.get(i).streamId(), ++version);
      }
    }
    batch.execute();
    long last = positions[count - 1];
    tables.notifyAppend(handle, last);
    return last;
  }

  private Map<String, Long> versionsOf(Handle handle, List<String> streams) {
    Map<String, Long> versions = new HashMap<>();
    for (int from = 0; from < streams.size(); from += STREAMS_PER_QUERY) {
      handle.createQuery(tables.streamVersionsSql())
          .bindList("streams", streams.subList(from, Math.min(streams.size(), from + STREAMS_PER_QUERY)))
          .map((rs, ctx) -> Map.entry(rs.getString("stream_id"), rs.getLong("version")))
          .forEach(entry -> versions.put(entry.getKey(), entry.getValue()));
    }
    return versions;
  }

  private long[] allocate(Handle handle, int count) {
    try {
      return tables.allocatePositions(handle, count);
    } catch (IllegalStateException e) {
      throw StoreException.failure(e.getMessage() + " in " + description + ": the event store's"
          + " tables were changed by hand", null, e);
    }
  }

  private static void add(PreparedBatch batch, PreparedEvent event, long position, String streamId,
      long streamVersion) {
    batch.bind("position", position)
        .bind("event_id", event.eventId())
        .bind("stream_id", streamId)
        .bind("stream_version", streamVersion)
        .bind("type_name", event.typeName())
        .bind("payload", event.payload())
        .bind("metadata", event.metadata())
        .bind("occurred_at", event.occurredAt())
        .bind("partition_hash", Partitions.hash(streamId))
        .add();
  }

  /**
   * Whether a failed append broke the unique key on (stream id, stream version), which backs up the
   * version check made under the head's lock.
   */
  private boolean isStreamVersionDuplicate(JdbiException failure) {
    String constraint = tables.streamVersionKey().toLowerCase(Locale.ROOT);
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException e = sql; e != null; e = e.getNextException()) {
          if (database.dialect().isDuplicateKey(e)
              && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains(constraint)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
