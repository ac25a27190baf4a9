package io.orchestrix.projection.examples.workload;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The three event types of the standard workload. Every event belongs to one order, whose id is also
 * the event's stream id and the id of the read-model document it changes.
 */
public sealed interface WorkloadEvent
    permits WorkloadEvent.OrderCreated, WorkloadEvent.ItemAdded, WorkloadEvent.OrderShipped {

  /** The order this event belongs to. */
  String orderId();

  /**
   * The event's canonical line without its newline, as {@code WORKLOAD.md} defines it for the
   * fingerprint: {@code C|orderId|customerId|customerName}, {@code I|orderId|itemName|qty|unitPrice}
   * or {@code S|orderId|carrier|tracking}.
   */
  String canonical();

  /** An order was opened for a customer. */
  record OrderCreated(String orderId, String customerId, String customerName) implements WorkloadEvent {
    public OrderCreated {
      Objects.requireNonNull(orderId, "orderId");
      Objects.requireNonNull(customerId, "customerId");
      Objects.requireNonNull(customerName, "customerName");
    }

    @Override
    public String canonical() {
      return "C|" + orderId + "|" + customerId + "|" + customerName;
    }
  }

  /** {@code qty} units of an item at {@code unitPrice} (scale 2) were added to an order. */
  record ItemAdded(String orderId, String itemName, int qty, BigDecimal unitPrice)
      implements WorkloadEvent {
    public ItemAdded {
      Objects.requireNonNull(orderId, "orderId");
      Objects.requireNonNull(itemName, "itemName");
      Objects.requireNonNull(unitPrice, "unitPrice");
    }

    /** qty × unitPrice, exact. */
    public BigDecimal lineTotal() {
      return unitPrice.multiply(BigDecimal.valueOf(qty));
    }

    @Override
    public String canonical() {
      return "I|" + orderId + "|" + itemName + "|" + qty + "|" + unitPrice.toPlainString();
    }
  }

  /** The order left with a carrier under a tracking number. */
  record OrderShipped(String orderId, String carrier, String tracking) implements WorkloadEvent {
    public OrderShipped {
      Objects.requireNonNull(orderId, "orderId");
      Objects.requireNonNull(carrier, "carrier");
      Objects.requireNonNull(tracking, "tracking");
    }

    @Override
    public String canonical() {
      return "S|" + orderId + "|" + carrier + "|" + tracking;
    }
  }
}
