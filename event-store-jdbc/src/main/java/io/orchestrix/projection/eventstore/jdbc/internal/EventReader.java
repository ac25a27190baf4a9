package io.orchestrix.projection.eventstore.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventPage;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads events in READ COMMITTED and returns only runs of contiguous positions (or a stream's
 * versions), stopping before a hole: by the event store's ordering invariant a hole is an event
 * already committed that this read's snapshot does not show yet (MariaDB builds its read views
 * without a global lock and can show a later commit before an earlier one), so a later read returns
 * it and nothing is skipped. Payloads are decoded through {@link EventTypes} (and its upcasters)
 * outside the transaction, so upcasting never holds a connection. Thread-safe.
 */
public final class EventReader {

  private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};
  private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);
  private static final long HOLE_WARNING_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** A partition's read looks this many times {@code limit * count} positions ahead at most. */
  public static final int WINDOW_PER_PARTITION_EVENT = 4;
  /** How long a read on PostgreSQL waits at most for the horizon to pass what was taken before it. */
  private static final java.time.Duration READ_WAIT = java.time.Duration.ofSeconds(1);
  /** How long {@link #headPosition()} waits at most for the horizon on PostgreSQL. */
  private static final java.time.Duration HEAD_WAIT = java.time.Duration.ofSeconds(5);

  private final JdbcDatabase database;
  private final EventTables tables;
  private final EventTypes types;
  private final String description;
  private final ObjectMapper metadataMapper = new ObjectMapper();
  /** The number missing at the last hole seen, and since when (nanoTime), for {@link #noteHole}. */
  private final long[] holeWatch = {0, 0};
  private final Horizon horizon = new Horizon();

  /** @param description the store's description for messages (no password) */
  public EventReader(JdbcDatabase database, EventTables tables, EventTypes types, String description) {
    this.database = database;
    this.tables = tables;
    this.types = types;
    this.description = description;
  }

  /**
   * Up to {@code limit} events after {@code afterPosition}, in position order, up to the first hole.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws StoreException (not transient) if an event cannot be read, naming it and its position
   */
  public List<EventEnvelope<?>> read(long afterPosition, int limit) {
    requirePositiveLimit(limit);
    long after = Math.max(0, afterPosition);
    if (tables.takesPositionsConcurrently()) {
      return decode(readBelowHorizon(after, limit, Long.MAX_VALUE - after, null).events());
    }
    List<Row> rows = ReadCommitted.read(database, handle -> handle.createQuery(tables.readSql())
        .bind("after", after).bind("limit", limit)
        .map((rs, ctx) -> Row.of(rs)).list());
    return decode(contiguous(rows, after, Row::position, "position"));
  }

  /**
   * Up to {@code limit} events of one partition of the stream ids after {@code afterPosition}, in
   * position order, filtered by the database on the stored {@code partition_hash}, and how far the
   * read looked: the last event's position if the page is full, else the end of the range read (the
   * committed head, or {@code afterPosition} plus {@value #WINDOW_PER_PARTITION_EVENT} times
   * {@code limit * count} positions, whichever is lower, so an idle partition's read costs a bounded
   * range scan). Empty if this read's snapshot does not show every event of its range (a hole, see
   * {@link #read}): the caller then reads unfiltered pages, which stop at holes.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws StoreException (not transient) if an event cannot be read
   */
  public Optional<EventPage> readPartition(long afterPosition, int limit, int partition, int count) {
    requirePositiveLimit(limit);
    long after = Math.max(0, afterPosition);
    long window = (long) WINDOW_PER_PARTITION_EVENT * limit * count;
    if (tables.takesPositionsConcurrently()) {
      Below below = readBelowHorizon(after, limit, window, new int[] {partition, count});
      List<Row> events = below.events();
      long scanned = events.size() == limit ? events.get(events.size() - 1).position()
          : Math.max(afterPosition, Math.min(below.upper(), after + window));
      return Optional.of(new EventPage(decode(events), scanned));
    }
    List<PartitionRow> rows = ReadCommitted.read(database, handle -> handle
        .createQuery(tables.readPartitionSql())
        .bind("after", after).bind("window", window)
        .bind("count", count).bind("partition", partition).bind("limit", limit)
        .map((rs, ctx) -> PartitionRow.of(rs))
        .list());
    long upper = Math.max(after, rows.get(0).upper());
    if (tables.checksVisibleRange() && rows.get(0).visible() != upper - after) {
      LOG.debug("{}: {} of the {} events after position {} up to {} are visible to this read; reading"
          + " unfiltered pages instead", description, rows.get(0).visible(), upper - after, after, upper);
      return Optional.empty();
    }
    List<Row> events = rows.stream().map(PartitionRow::row).filter(Objects::nonNull).toList();
    long scanned = events.size() == limit ? events.get(events.size() - 1).position()
        : Math.max(afterPosition, upper);
    return Optional.of(new EventPage(decode(events), scanned));
  }

  /**
   * Up to {@code limit} events of one stream after {@code afterVersion}, in version order, up to the
   * first hole.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws StoreException (not transient) if an event cannot be read
   */
  public List<EventEnvelope<?>> readStream(String streamId, long afterVersion, int limit) {
    requirePositiveLimit(limit);
    List<Row> rows = ReadCommitted.read(database, handle -> handle.createQuery(tables.readStreamSql())
        .bind("stream", streamId).bind("after", afterVersion).bind("limit", limit)
        .map((rs, ctx) -> Row.of(rs)).list());
    return decode(contiguous(rows, Math.max(0, afterVersion), Row::streamVersion, "version"));
  }

  private static void requirePositiveLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
    }
  }

  /**
   * The position of the last committed event that a read returns now, 0 if there is none: the
   * committed head; on PostgreSQL the last event at or below the horizon, after waiting (polling, at
   * most {@link #HEAD_WAIT}) for the horizon to pass every position taken when the call began, so that
   * an append that committed before the call is counted unless a transaction of the database cluster
   * older than the call stays open that long.
   */
  public long headPosition() {
    if (!tables.takesPositionsConcurrently()) {
      return ReadCommitted.read(database,
          handle -> handle.createQuery(tables.headSql()).mapTo(Long.class).one());
    }
    long deadline = System.nanoTime() + HEAD_WAIT.toNanos();
    long pause = 1;
    long taken = Long.MAX_VALUE;
    while (true) {
      probeIfNeeded();
      Horizon.Known known = horizon.start();
      long[] result = ReadCommitted.read(database, handle -> known.bind(handle.createQuery(
              tables.headBelowHorizonSql()))
          .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(3), rs.getLong(5), rs.getLong(6)})
          .one());
      horizon.completed(result[0], result[1], result[2]);
      taken = Math.min(taken, result[2]);
      if (result[0] >= taken || System.nanoTime() > deadline || !pause(pause)) {
        return result[3];
      }
      pause = Math.min(pause * 2, 50);
    }
  }

  private void probeIfNeeded() {
    if (horizon.needsProbe()) {
      long[] probe = database.jdbi().withHandle(handle -> handle.createQuery(tables.probeSql())
          .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one());
      horizon.probed(probe[0], probe[1]);
    }
  }

  /** Events below the horizon and the horizon a read used. */
  private record Below(List<Row> events, long upper) {}

  /**
   * PostgreSQL: the events in {@code (after, after + window]} at or below the horizon, of the
   * partition {@code {partition, count}} if given. When the page is not full and the horizon is below
   * the positions taken when the read began, the read is repeated after a short pause (1 to 50 ms,
   * for at most {@link #READ_WAIT}), each time after a probe of the sequence if none is pending: an
   * append that committed before the read is then returned, unless an older transaction of the
   * database cluster stays open that long.
   */
  private Below readBelowHorizon(long after, int limit, long window, int @Nullable [] partition) {
    long deadline = System.nanoTime() + READ_WAIT.toNanos();
    long pause = 1;
    long taken = Long.MAX_VALUE;
    while (true) {
      probeIfNeeded();
      Horizon.Known known = horizon.start();
      List<PartitionRow> rows = ReadCommitted.read(database, handle -> {
        var query = known.bind(handle.createQuery(tables.readBelowHorizonSql(partition != null)))
            .bind("after", after).bind("window", window).bind("limit", limit);
        if (partition != null) {
          query.bind("partition", partition[0]).bind("count", partition[1]);
        }
        return query.map((rs, ctx) -> PartitionRow.of(rs)).list();
      });
      PartitionRow first = rows.get(0);
      long upper = first.upper();
      horizon.completed(upper, first.xmin(), first.taken());
      taken = Math.min(taken, first.taken());
      List<Row> events = rows.stream().map(PartitionRow::row).filter(Objects::nonNull).toList();
      if (events.size() == limit || upper >= Math.min(taken, after + window)
          || System.nanoTime() > deadline || !pause(pause)) {
        return new Below(events, upper);
      }
      pause = Math.min(pause * 2, 50);
    }
  }

  /** Sleeps; false if interrupted (the flag is set again). */
  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The version of a stream: how many events it has, 0 if none. */
  public long streamVersion(String streamId) {
    return database.jdbi().withHandle(handle -> handle.createQuery(tables.streamVersionSql())
        .bind("stream", streamId).mapTo(Long.class).one());
  }

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

  /** The text, cut to 80 characters for messages. */
  public static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  private record Row(long position, String eventId, String streamId, long streamVersion,
      String typeName, String payload, String metadata, String occurredAt) {
    static Row of(ResultSet rs) throws SQLException {
      return of(rs, 0);
    }

    /** The row whose columns start after the first {@code skip} of the result set. */
    static Row of(ResultSet rs, int skip) throws SQLException {
      return new Row(rs.getLong(skip + 1), rs.getString(skip + 2), rs.getString(skip + 3),
          rs.getLong(skip + 4), rs.getString(skip + 5), rs.getString(skip + 6), rs.getString(skip + 7),
          rs.getString(skip + 8));
    }
  }

  /**
   * A row of a partition's read or a read below the horizon: the end of its range, the events visible
   * in it (MariaDB, H2), the snapshot's xmin and xmax and the positions taken (PostgreSQL), and an
   * event or none.
   */
  private record PartitionRow(long upper, long visible, long xmin, long xmax, long taken,
      @Nullable Row row) {
    static PartitionRow of(ResultSet rs) throws SQLException {
      return new PartitionRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
          rs.getObject(6) == null ? null : Row.of(rs, 5));
    }
  }
}
