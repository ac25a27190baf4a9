package io.orchestrix.projection.examples.ordersummary;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.examples.ordersummary.Events.ItemAddedToOrder;
import io.orchestrix.projection.examples.ordersummary.Events.OrderCancelled;
import io.orchestrix.projection.examples.ordersummary.Events.OrderConfirmed;
import io.orchestrix.projection.examples.ordersummary.Events.OrderCreated;
import io.orchestrix.projection.examples.ordersummary.Events.OrderDelivered;
import io.orchestrix.projection.examples.ordersummary.Events.OrderShipped;
import io.orchestrix.projection.examples.ordersummary.OrderSummary.LineItem;
import io.orchestrix.projection.examples.ordersummary.OrderSummary.Status;
import java.io.PrintStream;
import java.util.function.UnaryOperator;

/**
 * The projection: annotated handlers that keep {@link OrderSummary} up to date and say what they did.
 * The printing is the example's narration; it is at-least-once (a batch that fails is re-run), the
 * read model is exactly-once.
 */
public final class OrderSummaryProjection {

  private final PrintStream out;

  public OrderSummaryProjection(PrintStream out) {
    this.out = out;
  }

  @Handles
  void on(OrderCreated event, HandlerContext context) {
    orders(context).save(OrderSummary.opened(
        event.orderId(), event.customerId(), event.customerName(), event.amount()));
    out.println("✓ Order created: " + event.orderId() + " for " + event.customerName());
  }

  @Handles
  void on(ItemAddedToOrder event, HandlerContext context) {
    update(context, event.orderId(), order -> order.withItem(
        new LineItem(event.itemId(), event.itemName(), event.quantity(), event.unitPrice())));
    out.println("  ✓ Item added: " + event.itemName() + " (x" + event.quantity() + " @ "
        + Money.format(event.unitPrice()) + ")");
  }

  @Handles
  void on(OrderConfirmed event, HandlerContext context) {
    update(context, event.orderId(), order -> order.withStatus(Status.CONFIRMED));
    out.println("✓ Order confirmed");
  }

  @Handles
  void on(OrderShipped event, HandlerContext context) {
    update(context, event.orderId(), order -> order.shipped(event.carrier(), event.trackingNumber()));
    out.println("✓ Order shipped via " + event.carrier() + " (" + event.trackingNumber() + ")");
  }

  @Handles
  void on(OrderDelivered event, HandlerContext context) {
    update(context, event.orderId(), order -> order.withStatus(Status.DELIVERED));
    out.println("✓ Order delivered");
  }

  @Handles
  void on(OrderCancelled event, HandlerContext context) {
    update(context, event.orderId(), order -> order.cancelled(event.reason()));
    out.println("✓ Order cancelled: " + event.reason());
  }

  private static ReadModelRepository<OrderSummary> orders(HandlerContext context) {
    return context.readModel(OrderSummary.READ_MODEL);
  }

  private static void update(HandlerContext context, String orderId, UnaryOperator<OrderSummary> change) {
    ReadModelRepository<OrderSummary> orders = orders(context);
    OrderSummary order = orders.findById(orderId).orElseThrow(() -> new IllegalStateException(
        "order " + orderId + " does not exist; event " + context.envelope().eventId()
            + " refers to an order that was never created"));
    orders.save(change.apply(order));
  }
}
