package io.orchestrix.projection.examples.orders;

import io.orchestrix.projection.ReadModel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The read model: one denormalised document per order, indexed by status and customer. Immutable;
 * each change makes a new summary.
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

  /** Stored as {@code order_summary}, indexed by {@code status} and {@code customer_id}. */
  public static final ReadModel<OrderSummary> READ_MODEL =
      ReadModel.builder("order_summary", OrderSummary.class)
          .id(OrderSummary::orderId)
          .index("status", summary -> summary.status().name())
          .index("customer_id", OrderSummary::customerId)
          .build();

  /** Where an order is in its life. */
  public enum Status { DRAFT, CONFIRMED, SHIPPED, DELIVERED, CANCELLED }

  /** One line of an order. */
  public record LineItem(String itemId, String itemName, int quantity, BigDecimal unitPrice) {}

  public OrderSummary {
    items = List.copyOf(items);
  }

  static OrderSummary opened(String orderId, String customerId, String customerName, BigDecimal amount) {
    return new OrderSummary(orderId, customerId, customerName, Status.DRAFT, List.of(), amount,
        null, null, null);
  }

  OrderSummary withItem(LineItem item) {
    List<LineItem> more = new ArrayList<>(items);
    more.add(item);
    return new OrderSummary(orderId, customerId, customerName, status, more,
        totalAmount.add(item.unitPrice().multiply(BigDecimal.valueOf(item.quantity()))),
        carrier, trackingNumber, cancellationReason);
  }

  OrderSummary withStatus(Status newStatus) {
    return new OrderSummary(orderId, customerId, customerName, newStatus, items, totalAmount,
        carrier, trackingNumber, cancellationReason);
  }

  OrderSummary shipped(String byCarrier, String tracking) {
    return new OrderSummary(orderId, customerId, customerName, Status.SHIPPED, items, totalAmount,
        byCarrier, tracking, cancellationReason);
  }

  OrderSummary cancelled(String reason) {
    return new OrderSummary(orderId, customerId, customerName, Status.CANCELLED, items, totalAmount,
        carrier, trackingNumber, reason);
  }
}
