package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.spi.Commit;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The table of dead letters, keyed by projection and position. Immutable and thread-safe. */
public final class DeadLetterTable {

  private static final List<String> COLUMNS = List.of("projection_id", "event_position", "event_id",
      "stream_id", "event_type", "envelope_json", "handler_name", "error_type", "error_message",
      "stack_trace", "attempts", "first_failure_at", "last_failure_at");

  private final String table;
  private final String upsert;

  /** @param table the qualified table name */
  public DeadLetterTable(SqlDialect dialect, String table) {
    this.table = table;
    this.upsert = dialect.upsert(table, List.of("projection_id", "event_position"), COLUMNS,
        COLUMNS.stream().map(c -> ":" + c).toList());
  }

  /** The projection's dead letters, ascending by position. */
  public List<DeadLetter> list(Handle handle, String projectionId) {
    return handle.createQuery("SELECT " + String.join(", ", COLUMNS) + " FROM " + table
            + " WHERE projection_id = :p ORDER BY event_position")
        .bind("p", projectionId)
        .map((rs, ctx) -> new DeadLetter(rs.getString(1), rs.getLong(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
            rs.getString(9), rs.getString(10), rs.getInt(11), Instant.parse(rs.getString(12)),
            Instant.parse(rs.getString(13))))
        .list();
  }

  /** Deletes every dead letter of the projection. */
  public void clear(Handle handle, String projectionId) {
    handle.createUpdate("DELETE FROM " + table + " WHERE projection_id = :p")
        .bind("p", projectionId).execute();
  }

  /**
   * Stores the commit's added dead letters, then deletes its removed ones: a position both added and
   * removed ends up removed. A batch holds each position once (the last added wins), since one
   * upsert statement may not change the same row twice.
   */
  public void write(Handle handle, Commit commit) {
    if (!commit.deadLettersAdded().isEmpty()) {
      Map<Long, DeadLetter> byPosition = new LinkedHashMap<>();
      commit.deadLettersAdded().forEach(d -> byPosition.put(d.position(), d));
      PreparedBatch adds = handle.prepareBatch(upsert);
      for (DeadLetter d : byPosition.values()) {
        adds.bind("projection_id", d.projectionId()).bind("event_position", d.position())
            .bind("event_id", d.eventId()).bind("stream_id", d.streamId())
            .bind("event_type", d.eventType()).bind("envelope_json", d.envelopeJson())
            .bind("handler_name", d.handler()).bind("error_type", d.errorType())
            .bind("error_message", d.errorMessage()).bind("stack_trace", d.stackTrace())
            .bind("attempts", d.attempts()).bind("first_failure_at", d.firstFailureAt().toString())
            .bind("last_failure_at", d.lastFailureAt().toString()).add();
      }
      adds.execute();
    }
    if (!commit.deadLettersRemoved().isEmpty()) {
      PreparedBatch removes = handle.prepareBatch("DELETE FROM " + table
          + " WHERE projection_id = :p AND event_position = :position");
      for (long position : new LinkedHashSet<>(commit.deadLettersRemoved())) {
        removes.bind("p", commit.projectionId()).bind("position", position).add();
      }
      removes.execute();
    }
  }
}
