package io.orchestrix.projection.examples.ordersummary;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.examples.ordersummary.Events.ItemAddedToOrder;
import io.orchestrix.projection.examples.ordersummary.Events.OrderCancelled;
import io.orchestrix.projection.examples.ordersummary.Events.OrderConfirmed;
import io.orchestrix.projection.examples.ordersummary.Events.OrderCreated;
import io.orchestrix.projection.examples.ordersummary.Events.OrderDelivered;
import io.orchestrix.projection.examples.ordersummary.Events.OrderShipped;
import io.orchestrix.projection.examples.ordersummary.OrderSummary.LineItem;
import io.orchestrix.projection.examples.ordersummary.OrderSummary.Status;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The seed's example: ten events of two orders are projected into {@link OrderSummary} documents,
 * which are then queried by id and by status, and the projection's health is shown. The projection
 * is replayed from scratch each run, so the output is the same on every store and every run.
 */
public final class OrderSummaryExample {

  private static final String LINE = "=".repeat(60);

  private final ProjectionStore store;
  private final PrintStream out;
  private final Clock clock;

  public OrderSummaryExample(ProjectionStore store, PrintStream out, Clock clock) {
    this.store = store;
    this.out = out;
    this.clock = clock;
  }

  /** The example's event stream, positions 1 to 10. */
  public List<EventEnvelope<?>> events() {
    List<Object> payloads = List.of(
        new OrderCreated("ORDER-001", "CUST-001", "Alice Johnson", new BigDecimal("149.99")),
        new ItemAddedToOrder("ORDER-001", "SKU-001", "Wireless Keyboard", 1, new BigDecimal("79.99")),
        new ItemAddedToOrder("ORDER-001", "SKU-002", "Mouse", 1, new BigDecimal("39.99")),
        new OrderConfirmed("ORDER-001"),
        new OrderShipped("ORDER-001", "FedEx", "1234567890"),
        new OrderDelivered("ORDER-001"),
        new OrderCreated("ORDER-002", "CUST-002", "Bob Smith", new BigDecimal("99.99")),
        new ItemAddedToOrder("ORDER-002", "SKU-003", "USB Hub", 2, new BigDecimal("29.99")),
        new OrderConfirmed("ORDER-002"),
        new OrderCancelled("ORDER-002", "Customer requested cancellation"));
    List<EventEnvelope<?>> events = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      long position = i + 1;
      String eventId = UUID.nameUUIDFromBytes(
          ("order-summary-example/" + position).getBytes(StandardCharsets.UTF_8)).toString();
      String streamId = streamOf(payloads.get(i));
      events.add(EventEnvelope.of(eventId, streamId, position, clock.instant(), payloads.get(i)));
    }
    return events;
  }

  /** Runs the example and prints what the seed prints. */
  public void run() {
    ProjectionEngine engine = Projections.engine("order-summary")
        .store(store)
        .readModel(OrderSummary.READ_MODEL)
        .clock(clock)
        .build()
        .register(new OrderSummaryProjection(out));

    banner("CQRS Projection Example: Order Read Models");
    out.println();
    out.println("Processing events...");
    out.println();
    engine.replay(events());

    banner("Querying Read Models");
    ReadModelView<OrderSummary> orders = engine.readModel(OrderSummary.READ_MODEL);
    for (String orderId : List.of("ORDER-001", "ORDER-002")) {
      orders.findById(orderId).ifPresent(this::printSummary);
    }

    out.println();
    out.println("Orders by status:");
    for (Status status : List.of(Status.DELIVERED, Status.CONFIRMED, Status.CANCELLED)) {
      List<OrderSummary> found = orders.findBy("status", status.name());
      out.println();
      out.println(status + ": " + found.size() + " order(s)");
      for (OrderSummary order : found) {
        out.println("  - " + order.orderId() + ": " + order.customerName() + " ("
            + Money.format(order.totalAmount()) + ")");
      }
    }

    ProjectionState state = engine.state();
    banner("Projection Health");
    out.println("Healthy: " + (engine.isHealthy() ? "True" : "False"));
    out.println("Last event processed: " + state.lastProcessedEventId());
    out.println("Total errors: " + state.errorCount());
    out.println("Last updated: " + state.updatedAt());
    out.println();
  }

  private void printSummary(OrderSummary order) {
    out.println();
    banner("Order Summary: " + order.orderId());
    out.println("Customer: " + order.customerName() + " (" + order.customerId() + ")");
    out.println("Status: " + order.status());
    out.println();
    out.println("Items:");
    for (LineItem item : order.items()) {
      out.println("  " + item.itemName() + " x" + item.quantity() + " @ "
          + Money.format(item.unitPrice()) + " = " + Money.format(item.lineTotal()));
    }
    out.println();
    out.println("Total: " + Money.format(order.totalAmount()));
    if (order.carrier() != null) {
      out.println("Shipping: " + order.carrier() + " (Tracking: " + order.trackingNumber() + ")");
    }
    if (order.cancellationReason() != null) {
      out.println("Cancellation Reason: " + order.cancellationReason());
    }
    out.println(LINE);
  }

  private void banner(String title) {
    out.println();
    out.println(LINE);
    out.println(title);
    out.println(LINE);
  }

  private static String streamOf(Object payload) {
    if (payload instanceof OrderCreated e) {
      return e.orderId();
    } else if (payload instanceof ItemAddedToOrder e) {
      return e.orderId();
    } else if (payload instanceof OrderConfirmed e) {
      return e.orderId();
    } else if (payload instanceof OrderShipped e) {
      return e.orderId();
    } else if (payload instanceof OrderDelivered e) {
      return e.orderId();
    } else if (payload instanceof OrderCancelled e) {
      return e.orderId();
    }
    throw new IllegalArgumentException("not an event of this example: " + payload);
  }
}
