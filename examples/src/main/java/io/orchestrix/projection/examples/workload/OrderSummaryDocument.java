package io.orchestrix.projection.examples.workload;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The standard workload's read model: one document per order, keyed by order id, indexed by status and
 * by customer id. Immutable; each event makes a new document. The total is exact decimal arithmetic.
 *
 * <p>It is stored under the name {@value #NAME}, not {@code order_summary}: the OrderSummary example
 * already owns a read model of that name with another document shape, and both may share one store.
 *
 * @param orderId the key
 * @param customerId the customer, indexed as {@code customer_id}
 * @param customerName the customer's name
 * @param status {@code CREATED}, then {@code SHIPPED}; indexed as {@code status}
 * @param itemCount the sum of the quantities added
 * @param totalAmount Σ qty × unitPrice
 * @param carrier set when shipped
 * @param tracking set when shipped
 */
public record OrderSummaryDocument(
    String orderId,
    String customerId,
    String customerName,
    Status status,
    long itemCount,
    BigDecimal totalAmount,
    @Nullable String carrier,
    @Nullable String tracking) {

  /** The read model's name in the store. */
  public static final String NAME = "order_summary_bench";

  /** The read model's declaration. */
  public static final ReadModel<OrderSummaryDocument> READ_MODEL =
      ReadModel.builder(NAME, OrderSummaryDocument.class)
          .id(OrderSummaryDocument::orderId)
          .index("status", document -> document.status().name())
          .index("customer_id", OrderSummaryDocument::customerId)
          .build();

  /** Where an order is. */
  public enum Status { CREATED, SHIPPED }

  public OrderSummaryDocument {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(customerName, "customerName");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(totalAmount, "totalAmount");
  }

  /** The document an {@code OrderCreated} opens: no items, total 0.00. */
  public static OrderSummaryDocument created(OrderCreated event) {
    return new OrderSummaryDocument(event.orderId(), event.customerId(), event.customerName(),
        Status.CREATED, 0, BigDecimal.ZERO.setScale(2), null, null);
  }

  /** This document with an item added. */
  public OrderSummaryDocument withItem(ItemAdded event) {
    return new OrderSummaryDocument(orderId, customerId, customerName, status,
        itemCount + event.qty(), totalAmount.add(event.lineTotal()), carrier, tracking);
  }

  /** This document shipped. */
  public OrderSummaryDocument shipped(OrderShipped event) {
    return new OrderSummaryDocument(orderId, customerId, customerName, Status.SHIPPED, itemCount,
        totalAmount, event.carrier(), event.tracking());
  }

  /**
   * The document's canonical line without its newline, the unit of the read-model digest:
   * {@code orderId|customerId|customerName|status|itemCount|total|carrier|tracking}, the total in plain
   * notation with scale 2 (so {@code 12.5} and {@code 12.50} are one value) and an absent carrier or
   * tracking as the empty string.
   *
   * @throws ArithmeticException if the total has more than two decimals (no workload event makes one)
   */
  public String canonical() {
    return orderId + "|" + customerId + "|" + customerName + "|" + status + "|" + itemCount + "|"
        + totalAmount.setScale(2, RoundingMode.UNNECESSARY).toPlainString() + "|"
        + (carrier == null ? "" : carrier) + "|" + (tracking == null ? "" : tracking);
  }
}
