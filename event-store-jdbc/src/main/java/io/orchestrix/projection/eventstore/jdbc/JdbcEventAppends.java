package io.orchestrix.projection.eventstore.jdbc;

import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.StreamVersionConflictException;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.EventAppender.PreparedEvent;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore.BeforeCommit;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore.StreamAppend;
import io.orchestrix.projection.eventstore.jdbc.internal.EventReader;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The append side of a {@link JdbcEventStore}, its only subclass: checks and prepares what is
 * appended, then writes it in one transaction through the store's connection. Its public methods are
 * documented as the store's. Thread-safe, as the store.
 */
abstract sealed class JdbcEventAppends permits JdbcEventStore {

  private final EventStoreConnection connection;
  private final EventAppender appender;

  /**
   * @param connection the store's connection, which runs each append and maps its failures
   * @param appender what prepares and writes the events
   */
  JdbcEventAppends(EventStoreConnection connection, EventAppender appender) {
    this.connection = connection;
    this.appender = appender;
  }

  /**
   * Appends one event to a stream whatever its version, with no metadata, as
   * {@link #append(String, long, List, Map, BeforeCommit) append}.
   *
   * @param streamId the stream
   * @param payload the event's payload, of a class the {@link EventTypes} name
   * @return the position of the event
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #append(String, long, List, Map, BeforeCommit) append}
   * @throws SerializationException as {@link #append(String, long, List, Map, BeforeCommit) append}
   * @throws StoreException as {@link #append(String, long, List, Map, BeforeCommit) append}
   */
  public long append(String streamId, Object payload) {
    Objects.requireNonNull(payload, "payload must not be null (stream " + streamId + ")");
    return append(streamId, JdbcEventStore.ANY_VERSION, List.of(payload));
  }

  /**
   * Appends events to a stream, all or nothing, with no metadata.
   *
   * @param streamId the stream
   * @param expectedVersion the stream's current version, or {@link JdbcEventStore#ANY_VERSION}
   * @param payloads the events' payloads, at least one
   * @return the position of the last event appended
   * @throws StreamVersionConflictException if the stream is not at the expected version; nothing was
   *     appended
   * @throws IllegalArgumentException as {@link #append(String, long, List, Map, BeforeCommit) append}
   * @throws SerializationException as {@link #append(String, long, List, Map, BeforeCommit) append}
   * @throws StoreException as {@link #append(String, long, List, Map, BeforeCommit) append}
   * @see #append(String, long, List, Map, BeforeCommit)
   */
  public long append(String streamId, long expectedVersion, List<?> payloads) {
    return append(streamId, expectedVersion, payloads, Map.of(), null);
  }

  /**
   * Appends events to a stream, all or nothing, each with the same metadata.
   *
   * @param streamId the stream
   * @param expectedVersion the stream's current version, or {@link JdbcEventStore#ANY_VERSION}
   * @param payloads the events' payloads, at least one
   * @param metadata the metadata stored with each event; may be empty
   * @return the position of the last event appended
   * @throws StreamVersionConflictException if the stream is not at the expected version; nothing was
   *     appended
   * @throws IllegalArgumentException as {@link #append(String, long, List, Map, BeforeCommit) append}
   * @throws SerializationException as {@link #append(String, long, List, Map, BeforeCommit) append}
   * @throws StoreException as {@link #append(String, long, List, Map, BeforeCommit) append}
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
   * @param streamId the stream: at most {@link JdbcEventStore#MAX_KEY_LENGTH} characters
   * @param expectedVersion the stream's current version (its number of events, 0 for a new stream), or
   *     {@link JdbcEventStore#ANY_VERSION}
   * @param payloads the events' payloads, at least one, each of a class the {@link EventTypes} name
   * @param metadata the metadata stored with each event; may be empty
   * @param beforeCommit work to do in the append's transaction, or null for none
   * @return the position of the last event appended
   * @throws StreamVersionConflictException if the stream is not at the expected version; nothing was
   *     appended
   * @throws NullPointerException if an argument, a payload or a metadata key or value is null
   * @throws IllegalArgumentException if the stream id is blank, too long or holds U+0000 or an
   *     unpaired surrogate, the list empty, or the expected version below
   *     {@link JdbcEventStore#ANY_VERSION}
   * @throws SerializationException if a payload's class is not in the {@link EventTypes}, or a payload
   *     cannot be turned into JSON or stored; nothing was appended
   * @throws StoreException if the database fails (transient for outages); nothing was appended, unless
   *     the connection was lost during the commit itself, when the outcome is unknown
   */
  public long append(String streamId, long expectedVersion, List<?> payloads,
      Map<String, String> metadata, @Nullable BeforeCommit beforeCommit) {
    List<PreparedEvent> events = appender.prepare(streamId, expectedVersion, payloads, metadata);
    return connection.call("append of " + events.size() + " event(s) to stream '"
        + EventReader.abbreviate(streamId) + "'",
        () -> appender.append(streamId, expectedVersion, events, beforeCommit));
  }

  /**
   * Appends to several streams in one transaction, all or nothing, in the order given: positions follow
   * that order, and each part's expected version is checked against its stream as the earlier parts of
   * this call left it. Appends are serialised, so one transaction of many events costs about what one
   * event costs; use this to load or import a stream of interleaved aggregates.
   *
   * @param appends the parts, at least one, in the order to append them
   * @return the position of the last event appended
   * @throws StreamVersionConflictException if a part's stream is not at its expected version; nothing
   *     was appended
   * @throws IllegalArgumentException if the list is empty, or as {@link #append(String, long, List)}
   * @throws SerializationException as {@link #append(String, long, List)}; nothing was appended
   * @throws StoreException as {@link #append(String, long, List)}
   */
  public long appendAll(List<StreamAppend> appends) {
    List<List<PreparedEvent>> prepared = appender.prepareAll(appends);
    int count = prepared.stream().mapToInt(List::size).sum();
    return connection.call(
        "append of " + count + " event(s) in " + appends.size() + " stream part(s)",
        () -> appender.appendAll(appends, prepared, count));
  }

}
