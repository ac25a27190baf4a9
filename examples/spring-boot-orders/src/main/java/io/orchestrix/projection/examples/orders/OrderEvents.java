package io.orchestrix.projection.examples.orders;

import java.math.BigDecimal;

/** The order events the service appends to its event store. Immutable records. */
public final class OrderEvents {

  private OrderEvents() {}

  /** An order was opened for a customer with an initial amount. */
  public record OrderCreated(String orderId, String customerId, String customerName, BigDecimal amount) {}

  /** An item was added to an order. */
  public record ItemAdded(String orderId, String itemId, String itemName, int quantity, BigDecimal unitPrice) {}

  /** The customer confirmed the order. */
  public record OrderConfirmed(String orderId) {}

  /** The order left the warehouse. */
  public record OrderShipped(String orderId, String carrier, String trackingNumber) {}

  /** The order reached the customer. */
  public record OrderDelivered(String orderId) {}

  /** The order was cancelled. */
  public record OrderCancelled(String orderId, String reason) {}
}
