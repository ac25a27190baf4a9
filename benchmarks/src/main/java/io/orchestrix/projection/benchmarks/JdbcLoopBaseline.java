package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The hand-written JDBC loop of {@code WORKLOAD.md} on PostgreSQL, with plain pgjdbc: the read model
 * as a table with real columns and indexes on status and customer id, one statement per event grouped
 * by type with {@code addBatch} (insert for {@code OrderCreated}, arithmetic updates for
 * {@code ItemAdded} and {@code OrderShipped}), and 1,000 events plus a checkpoint update (guarded by the
 * expected position) per transaction. The server's durability settings apply as they are. The URL
 * gets {@code reWriteBatchedInserts=true}, as the engine's JDBC store adds it, so the driver does not
 * favour either side.
 */
final class JdbcLoopBaseline implements Contender {

  /** The table prefix of the harness; tests use their own, so they never touch a running harness. */
  static final String DEFAULT_PREFIX = "bench_loop_";
  static final String PROJECTION_ID = "order-summary-loop";

  private final OrderSummaryTable table;
  private final String checkpoints;
  private final String moveCheckpoint;
  private final Connection connection;

  JdbcLoopBaseline(String url, String tablePrefix) {
    table = new OrderSummaryTable(tablePrefix + "order_summary");
    checkpoints = tablePrefix + "checkpoint";
    moveCheckpoint = "UPDATE " + checkpoints
        + " SET position = ? WHERE projection_id = ? AND position = ?";
    try {
      connection = DriverManager.getConnection(withRewrittenInserts(url));
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        table.create(statement);
        statement.execute("CREATE TABLE IF NOT EXISTS " + checkpoints
            + " (projection_id text PRIMARY KEY, position bigint NOT NULL)");
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("JDBC loop: cannot prepare its tables: " + e, e);
    }
  }

  static String withRewrittenInserts(String url) {
    if (url.contains("reWriteBatchedInserts")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  @Override
  public String name() {
    return "JDBC loop";
  }

  @Override
  public void reset() {
    try (Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE " + table.name() + ", " + checkpoints);
      statement.execute("INSERT INTO " + checkpoints + " VALUES ('" + PROJECTION_ID + "', 0)");
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("JDBC loop: reset failed: " + e, e);
    }
  }

  @Override
  public WorkloadRunner.Result run(List<EventEnvelope<WorkloadEvent>> events, int batchSize) {
    try (OrderSummaryTable.Batch statements = table.prepare(connection);
        PreparedStatement checkpointMove = connection.prepareStatement(moveCheckpoint)) {
      long from = storedCheckpoint();
      long checkpoint = from;
      long applied = 0;
      long started = System.nanoTime();
      // the workload's positions are 1..N, so the event after checkpoint c sits at index c
      for (int start = (int) from; start < events.size(); start += batchSize) {
        List<EventEnvelope<WorkloadEvent>> batch =
            events.subList(start, Math.min(start + batchSize, events.size()));
        for (EventEnvelope<WorkloadEvent> event : batch) {
          statements.add(event.payload());
        }
        statements.execute();
        long last = batch.get(batch.size() - 1).position();
        checkpointMove.setLong(1, last);
        checkpointMove.setString(2, PROJECTION_ID);
        checkpointMove.setLong(3, checkpoint);
        if (checkpointMove.executeUpdate() != 1) {
          throw new IllegalStateException("JDBC loop: the checkpoint is no longer " + checkpoint);
        }
        connection.commit();
        checkpoint = last;
        applied += batch.size();
      }
      return new WorkloadRunner.Result(from, checkpoint, applied, System.nanoTime() - started);
    } catch (SQLException e) {
      rollbackQuietly(e);
      throw new IllegalStateException("JDBC loop: run failed: " + e, e);
    }
  }

  private long storedCheckpoint() throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT position FROM " + checkpoints + " WHERE projection_id = ?")) {
      select.setString(1, PROJECTION_ID);
      try (ResultSet row = select.executeQuery()) {
        long position = row.next() ? row.getLong(1) : 0;
        connection.commit();
        return position;
      }
    }
  }

  private void rollbackQuietly(SQLException cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public ReadModelDigest digest() {
    try {
      return table.digest(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("JDBC loop: cannot read its table: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("JDBC loop: close failed: " + e, e);
    }
  }
}
