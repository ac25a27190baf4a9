package io.orchestrix.projection.examples.orders;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.examples.orders.OrderEvents.ItemAdded;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderCancelled;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderConfirmed;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderCreated;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderDelivered;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderShipped;
import io.orchestrix.projection.examples.orders.OrderSummary.LineItem;
import io.orchestrix.projection.examples.orders.OrderSummary.Status;
import io.orchestrix.projection.spring.Projection;
import java.util.function.UnaryOperator;

/** Keeps {@link OrderSummary} up to date from the order events; exactly-once per event. */
@Projection(id = OrderSummaryProjection.ID, readModels = OrderSummary.class)
public class OrderSummaryProjection {

  /** The projection's id. */
  public static final String ID = "order-summary";

  @Handles
  void on(OrderCreated event, HandlerContext context) {
    orders(context).save(OrderSummary.opened(
        event.orderId(), event.customerId(), event.customerName(), event.amount()));
  }

  @Handles
  void on(ItemAdded event, HandlerContext context) {
    update(context, event.orderId(), order -> order.withItem(
        new LineItem(event.itemId(), event.itemName(), event.quantity(), event.unitPrice())));
  }

  @Handles
  void on(OrderConfirmed event, HandlerContext context) {
    update(context, event.orderId(), order -> order.withStatus(Status.CONFIRMED));
  }

  @Handles
  void on(OrderShipped event, HandlerContext context) {
    update(context, event.orderId(), order -> order.shipped(event.carrier(), event.trackingNumber()));
  }

  @Handles
  void on(OrderDelivered event, HandlerContext context) {
    update(context, event.orderId(), order -> order.withStatus(Status.DELIVERED));
  }

  @Handles
  void on(OrderCancelled event, HandlerContext context) {
    update(context, event.orderId(), order -> order.cancelled(event.reason()));
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
