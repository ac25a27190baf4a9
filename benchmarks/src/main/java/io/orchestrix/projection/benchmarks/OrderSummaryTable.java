package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument.Status;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written loops' {@code order_summary} table on PostgreSQL: real columns, indexes on status
 * and customer id, and the three statements by event type that a batch fills with {@code addBatch}
 * (insert for {@code OrderCreated}, arithmetic updates for {@code ItemAdded} and
 * {@code OrderShipped}). Executing the inserts before the updates is safe for any batch of events in
 * stream order, or in order per order id: an order's {@code OrderCreated} always comes before its
 * other events. Immutable; a {@link Batch} is not thread-safe.
 */
final class OrderSummaryTable {

  private final String name;

  OrderSummaryTable(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  /** Creates the table and its indexes if they do not exist. */
  void create(Statement statement) throws SQLException {
    statement.execute("CREATE TABLE IF NOT EXISTS " + name + " (order_id text PRIMARY KEY,"
        + " customer_id text NOT NULL, customer_name text NOT NULL, status text NOT NULL,"
        + " item_count bigint NOT NULL, total_amount numeric(19, 2) NOT NULL, carrier text,"
        + " tracking text)");
    statement.execute("CREATE INDEX IF NOT EXISTS " + name + "_status ON " + name + " (status)");
    statement.execute(
        "CREATE INDEX IF NOT EXISTS " + name + "_customer ON " + name + " (customer_id)");
  }

  /** The three prepared statements of one connection, for batch after batch. */
  Batch prepare(Connection connection) throws SQLException {
    return new Batch(connection);
  }

  /** The digest of every row, as {@link ReadModelDigest} defines it; commits the read. */
  ReadModelDigest digest(Connection connection) throws SQLException {
    List<OrderSummaryDocument> documents = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT order_id, customer_id, customer_name, status,"
            + " item_count, total_amount, carrier, tracking FROM " + name)) {
      while (rows.next()) {
        documents.add(new OrderSummaryDocument(rows.getString(1), rows.getString(2),
            rows.getString(3), Status.valueOf(rows.getString(4)), rows.getLong(5),
            rows.getBigDecimal(6), rows.getString(7), rows.getString(8)));
      }
    }
    connection.commit();
    return ReadModelDigest.of(documents.stream());
  }

  /** A batch's statements: {@link #add} each event, then {@link #execute} before the commit. */
  final class Batch implements AutoCloseable {
    private final PreparedStatement created;
    private final PreparedStatement items;
    private final PreparedStatement shipped;

    private Batch(Connection connection) throws SQLException {
      created = connection.prepareStatement("INSERT INTO " + name
          + " (order_id, customer_id, customer_name, status, item_count, total_amount)"
          + " VALUES (?, ?, ?, 'CREATED', 0, 0)");
      items = connection.prepareStatement("UPDATE " + name
          + " SET item_count = item_count + ?, total_amount = total_amount + ? WHERE order_id = ?");
      shipped = connection.prepareStatement("UPDATE " + name
          + " SET status = 'SHIPPED', carrier = ?, tracking = ? WHERE order_id = ?");
    }

    void add(WorkloadEvent event) throws SQLException {
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

    /**
     * Runs the inserts, then the updates, each as one JDBC batch.
     *
     * @throws IllegalStateException if an update found no row (its order was never created)
     */
    void execute() throws SQLException {
      created.executeBatch();
      requireOneRowEach(items.executeBatch(), "ItemAdded");
      requireOneRowEach(shipped.executeBatch(), "OrderShipped");
    }

    @Override
    public void close() throws SQLException {
      try (created; items; shipped) {
        // closes all three, in reverse order, even if one fails
      }
    }

    private void requireOneRowEach(int[] counts, String type) {
      for (int count : counts) {
        if (count != 1) {
          throw new IllegalStateException(
              name + ": an " + type + " update changed " + count + " rows");
        }
      }
    }
  }
}
