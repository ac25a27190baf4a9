package io.orchestrix.projection.eventstore.jdbc.internal;

import io.orchestrix.projection.Partitions;
import io.orchestrix.projection.jdbc.support.SchemaVersions;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Schema step 1 to 2 of the event store: adds {@code partition_hash} ({@link Partitions#hash} of the
 * stream id, which a partition's read filters on in the database), fills it for the events already
 * stored, stream by stream in the order of the (stream id, version) key, then makes it
 * {@code NOT NULL}. Idempotent: a step cut short (MariaDB commits each DDL statement) is run again
 * whole. Appends of an older version of the store that run during the step write no hash and make
 * the last statement fail, so the step is retried; stop them before upgrading. Immutable.
 */
final class PartitionHashMigration implements SchemaVersions.Migration {

  /** How many streams one statement of the fill reads and one batch updates. */
  private static final int STREAMS_PER_BATCH = 1_000;

  private final SqlDialect dialect;
  private final String events;

  PartitionHashMigration(SqlDialect dialect, String events) {
    this.dialect = dialect;
    this.events = events;
  }

  @Override
  public void apply(Handle handle) {
    handle.execute("ALTER TABLE " + events + " ADD COLUMN IF NOT EXISTS partition_hash INT");
    String last = "";
    for (List<String> streams = nextStreams(handle, last); !streams.isEmpty();
         streams = nextStreams(handle, last)) {
      PreparedBatch batch = handle.prepareBatch("UPDATE " + events
          + " SET partition_hash = :hash WHERE stream_id = :stream");
      for (String stream : streams) {
        batch.bind("hash", Partitions.hash(stream)).bind("stream", stream).add();
      }
      batch.execute();
      last = streams.get(streams.size() - 1);
    }
    handle.execute(dialect.product() == SqlDialect.Product.MARIADB
        ? "ALTER TABLE " + events + " MODIFY partition_hash INT NOT NULL"
        : "ALTER TABLE " + events + " ALTER COLUMN partition_hash SET NOT NULL");
  }

  private List<String> nextStreams(Handle handle, String after) {
    return handle.createQuery("SELECT DISTINCT stream_id FROM " + events + " WHERE stream_id > :after"
            + " ORDER BY stream_id LIMIT " + STREAMS_PER_BATCH)
        .bind("after", after).mapTo(String.class).list();
  }
}
