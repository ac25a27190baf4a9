package io.orchestrix.projection.examples.ordersummary;

import io.orchestrix.projection.ReadModel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The read model: one denormalised document per order, ready to show. Immutable; each change makes a
 * new summary. Money is exact decimal arithmetic.
 */
public record OrderSummary(
    String orderId,
    String customerId,
    String customerName,
    Status status,
    List<LineItem> items,
    BigDecimal totalAmount,
    @Nullable String carrier,
    @Nullable String trackingNumber,
    @Nullable String cancellationReason) {

  /** The read model's declaration: stored as {@code order_summary}, indexed by status and customer. */
  public static final ReadModel<OrderSummary> READ_MODEL =
      ReadModel.builder("order_summary", OrderSummary.class)
          .id(OrderSummary::orderId)
          .index("status", summary -> summary.status().name())
          .index("customer_id", OrderSummary::customerId)
          .build();

  /** Where an order is in its life. */
  public enum Status { DRAFT, CONFIRMED, SHIPPED, DELIVERED, CANCELLED }

  /** One line of an order. */
  public record LineItem(String itemId, String itemName, int quantity, BigDecimal unitPrice) {
    /** quantity × unit price. */
    public BigDecimal lineTotal() {
      return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
  }

  public OrderSummary {
    items = List.copyOf(items);
  }

  /** A new draft order. */
  public static OrderSummary opened(
      String orderId, String customerId, String customerName, BigDecimal amount) {
    return new OrderSummary(
        orderId, customerId, customerName, Status.DRAFT, List.of(), amount, null, null, null);
  }

  /** This order with one more item, its line total added to the total. */
  public OrderSummary withItem(LineItem item) {
    List<LineItem> more = new ArrayList<>(items);
    more.add(item);
    return new OrderSummary(orderId, customerId, customerName, status, more,
        totalAmount.add(item.lineTotal()), carrier, trackingNumber, cancellationReason);
  }

  /** This order in another status. */
  public OrderSummary withStatus(Status newStatus) {
    return new OrderSummary(orderId, customerId, customerName, newStatus, items, totalAmount,
        carrier, trackingNumber, cancellationReason);
  }

  /** This order shipped. */
  public OrderSummary shipped(String byCarrier, String tracking) {
    return new OrderSummary(orderId, customerId, customerName, Status.SHIPPED, items, totalAmount,
        byCarrier, tracking, cancellationReason);
  }

  /** This order cancelled. */
  public OrderSummary cancelled(String reason) {
    return new OrderSummary(orderId, customerId, customerName, Status.CANCELLED, items, totalAmount,
        carrier, trackingNumber, reason);
  }
}
