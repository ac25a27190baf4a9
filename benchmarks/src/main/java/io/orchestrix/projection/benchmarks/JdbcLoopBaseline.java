package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument.Status;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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

  private final String table;
  private final String checkpoints;
  private final String insertCreated;
  private final String updateItem;
  private final String updateShipped;
  private final String moveCheckpoint;
  private final Connection connection;

  JdbcLoopBaseline(String url, String tablePrefix) {
    table = tablePrefix + "order_summary";
    checkpoints = tablePrefix + "checkpoint";
    insertCreated = "INSERT INTO " + table
        + " (order_id, customer_id, customer_name, status, item_count, total_amount)"
        + " VALUES (?, ?, ?, 'CREATED', 0, 0)";
    updateItem = "UPDATE " + table
        + " SET item_count = item_count + ?, total_amount = total_amount + ? WHERE order_id = ?";
    updateShipped = "UPDATE " + table
        + " SET status = 'SHIPPED', carrier = ?, tracking = ? WHERE order_id = ?";
    moveCheckpoint = "UPDATE " + checkpoints
        + " SET position = ? WHERE projection_id = ? AND position = ?";
    try {
      connection = DriverManager.getConnection(withRewrittenInserts(url));
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (order_id text PRIMARY KEY,"
            + " customer_id text NOT NULL, customer_name text NOT NULL, status text NOT NULL,"
            + " item_count bigint NOT NULL, total_amount numeric(19, 2) NOT NULL, carrier text,"
            + " tracking text)");
        statement.execute("CREATE INDEX IF NOT EXISTS " + table + "_status ON " + table + " (status)");
        statement.execute(
            "CREATE INDEX IF NOT EXISTS " + table + "_customer ON " + table + " (customer_id)");
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
      statement.execute("TRUNCATE " + table + ", " + checkpoints);
      statement.execute("INSERT INTO " + checkpoints + " VALUES ('" + PROJECTION_ID + "', 0)");
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("JDBC loop: reset failed: " + e, e);
    }
  }

  @Override
  public WorkloadRunner.Result run(List<EventEnvelope<WorkloadEvent>> events, int batchSize) {
    try (PreparedStatement created = connection.prepareStatement(insertCreated);
        PreparedStatement items = connection.prepareStatement(updateItem);
        PreparedStatement shipped = connection.prepareStatement(updateShipped);
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
          add(event.payload(), created, items, shipped);
        }
        created.executeBatch();
        requireOneRowEach(items.executeBatch(), "ItemAdded");
        requireOneRowEach(shipped.executeBatch(), "OrderShipped");
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

  private static void add(WorkloadEvent event, PreparedStatement created, PreparedStatement items,
      PreparedStatement shipped) throws SQLException {
    if (event instanceof OrderCreated c) {
      created.setString(1, c.orderId());
      created.setString(2, c.customerId());
      created.setString(3, c.customerName());
      created.addBatch();
    } else if (event instanceof ItemAdded i) {
      items.setLong(1, i.qty());
      items.setBigDecimal(2, i.lineTotal());
      items.setString(3, i.orderId());
      items.addBatch();
    } else if (event instanceof OrderShipped s) {
      shipped.setString(1, s.carrier());
      shipped.setString(2, s.tracking());
      shipped.setString(3, s.orderId());
      shipped.addBatch();
    }
  }

  private static void requireOneRowEach(int[] counts, String type) {
    for (int count : counts) {
      if (count != 1) {
        throw new IllegalStateException("JDBC loop: an " + type + " update changed " + count + " rows");
      }
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
    List<OrderSummaryDocument> documents = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT order_id, customer_id, customer_name, status,"
            + " item_count, total_amount, carrier, tracking FROM " + table)) {
      while (rows.next()) {
        documents.add(new OrderSummaryDocument(rows.getString(1), rows.getString(2),
            rows.getString(3), Status.valueOf(rows.getString(4)), rows.getLong(5),
            rows.getBigDecimal(6), rows.getString(7), rows.getString(8)));
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("JDBC loop: cannot read its table: " + e, e);
    }
    return ReadModelDigest.of(documents.stream());
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
