package io.orchestrix.projection.tck;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelRepository;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The seed's OrderSummary example as the kit's engine end-to-end workload: its events, its read model
 * and its handlers, with exact decimal money. Public so that stores' own tests may use it. Immutable
 * types; the handlers are stateless apart from the failure switch a test passes in.
 */
public final class OrderSummaryFixture {

  private OrderSummaryFixture() {}

  /** An order was created with an initial amount. */
  public record OrderCreated(String orderId, String customerId, String customerName, BigDecimal amount) {}

  /** An item was added to an order. */
  public record ItemAdded(String orderId, String sku, String name, int quantity, BigDecimal unitPrice) {}

  /** An order was confirmed. */
  public record OrderConfirmed(String orderId) {}

  /** An order was shipped. */
  public record OrderShipped(String orderId, String carrier, String trackingNumber) {}

  /** An order was delivered. */
  public record OrderDelivered(String orderId) {}

  /** An order was cancelled. */
  public record OrderCancelled(String orderId, String reason) {}

  /** An event whose handler fails while the test's switch is on. */
  public record Poison(String orderId) {}

  /** An event whose handler saves a document the codec cannot serialise. */
  public record Unserialisable(String orderId) {}

  /** One line of an order. */
  public record Item(String sku, String name, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {}

  /** The read model: one summary per order. */
  public record OrderSummary(String orderId, String customerId, String customerName, String status,
      List<Item> items, BigDecimal total, @Nullable String carrier, @Nullable String trackingNumber,
      @Nullable String cancellationReason) {

    OrderSummary withStatus(String newStatus) {
      return new OrderSummary(orderId, customerId, customerName, newStatus, items, total, carrier,
          trackingNumber, cancellationReason);
    }
  }

  /** A document no JSON codec can write: reading its {@code value} property throws. */
  public record Broken(String orderId, Exploding value) {}

  /** A value whose only property cannot be read. */
  public static final class Exploding {
    /**
     * Always throws.
     *
     * @return never
     * @throws IllegalStateException always
     */
    public String getContent() {
      throw new IllegalStateException("this value cannot be serialised");
    }
  }

  /** The OrderSummary read model, indexed by status and customer. */
  public static final ReadModel<OrderSummary> ORDER_SUMMARY =
      ReadModel.builder("order_summary", OrderSummary.class)
          .id(OrderSummary::orderId)
          .index("status", OrderSummary::status)
          .index("customer_id", OrderSummary::customerId)
          .build();

  /** A read model a handler can fail to write. */
  public static final ReadModel<Broken> BROKEN =
      ReadModel.builder("broken_model", Broken.class).id(Broken::orderId).build();

  private static final Instant T0 = Instant.parse("2026-02-01T09:00:00Z");

  /** {@return the example's ten events, at positions 1 to 10} */
  public static List<EventEnvelope<?>> exampleEvents() {
    return envelopes(1, List.of(
        new OrderCreated("ORDER-001", "CUST-001", "Alice Johnson", new BigDecimal("149.99")),
        new ItemAdded("ORDER-001", "SKU-001", "Wireless Keyboard", 1, new BigDecimal("79.99")),
        new ItemAdded("ORDER-001", "SKU-002", "Mouse", 1, new BigDecimal("39.99")),
        new OrderConfirmed("ORDER-001"),
        new OrderShipped("ORDER-001", "FedEx", "1234567890"),
        new OrderDelivered("ORDER-001"),
        new OrderCreated("ORDER-002", "CUST-002", "Bob Smith", new BigDecimal("99.99")),
        new ItemAdded("ORDER-002", "SKU-003", "USB Hub", 2, new BigDecimal("29.99")),
        new OrderConfirmed("ORDER-002"),
        new OrderCancelled("ORDER-002", "Customer requested cancellation")));
  }

  /**
   * Envelopes for payloads at consecutive positions from {@code from}.
   *
   * @param from the position of the first envelope, 1 or more
   * @param payloads the payloads, in order
   * @return envelopes with ids {@code evt-}position, streams by order id, one second apart
   */
  public static List<EventEnvelope<?>> envelopes(long from, List<?> payloads) {
    List<EventEnvelope<?>> events = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      long position = from + i;
      Object payload = payloads.get(i);
      events.add(EventEnvelope.of("evt-" + position, streamOf(payload), position,
          T0.plusSeconds(position), payload));
    }
    return events;
  }

  private static String streamOf(Object payload) {
    try {
      return (String) payload.getClass().getMethod("orderId").invoke(payload);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("not an order event: " + payload, e);
    }
  }

  /**
   * Registers the example's handlers on an engine.
   *
   * @param poisoned while true, {@link Poison} events fail
   * @param engine the engine to register on
   */
  public static void register(ProjectionEngine engine, AtomicBoolean poisoned) {
    engine.on(OrderCreated.class, (OrderCreated e, HandlerContext c) -> orders(c).save(new OrderSummary(
        e.orderId(), e.customerId(), e.customerName(), "DRAFT", List.of(), e.amount(), null, null, null)));
    engine.on(ItemAdded.class, (ItemAdded e, HandlerContext c) -> {
      OrderSummary order = existing(c, e.orderId());
      BigDecimal lineTotal = e.unitPrice().multiply(BigDecimal.valueOf(e.quantity()));
      List<Item> items = new ArrayList<>(order.items());
      items.add(new Item(e.sku(), e.name(), e.quantity(), e.unitPrice(), lineTotal));
      orders(c).save(new OrderSummary(order.orderId(), order.customerId(), order.customerName(),
          order.status(), items, order.total().add(lineTotal), order.carrier(),
          order.trackingNumber(), order.cancellationReason()));
    });
    engine.on(OrderConfirmed.class, (OrderConfirmed e, HandlerContext c) ->
        orders(c).save(existing(c, e.orderId()).withStatus("CONFIRMED")));
    engine.on(OrderShipped.class, (OrderShipped e, HandlerContext c) -> {
      OrderSummary o = existing(c, e.orderId());
      orders(c).save(new OrderSummary(o.orderId(), o.customerId(), o.customerName(), "SHIPPED",
          o.items(), o.total(), e.carrier(), e.trackingNumber(), o.cancellationReason()));
    });
    engine.on(OrderDelivered.class, (OrderDelivered e, HandlerContext c) ->
        orders(c).save(existing(c, e.orderId()).withStatus("DELIVERED")));
    engine.on(OrderCancelled.class, (OrderCancelled e, HandlerContext c) -> {
      OrderSummary o = existing(c, e.orderId());
      orders(c).save(new OrderSummary(o.orderId(), o.customerId(), o.customerName(), "CANCELLED",
          o.items(), o.total(), o.carrier(), o.trackingNumber(), e.reason()));
    });
    engine.on(Poison.class, (Poison e, HandlerContext c) -> {
      orders(c).save(existing(c, e.orderId()).withStatus("POISONED"));
      if (poisoned.get()) {
        throw new IllegalStateException("poisoned event for " + e.orderId());
      }
    });
    engine.on(Unserialisable.class, (Unserialisable e, HandlerContext c) ->
        c.readModel(BROKEN).save(new Broken(e.orderId(), new Exploding())));
  }

  private static ReadModelRepository<OrderSummary> orders(HandlerContext context) {
    return context.readModel(ORDER_SUMMARY);
  }

  private static OrderSummary existing(HandlerContext context, String orderId) {
    return orders(context).findById(orderId)
        .orElseThrow(() -> new IllegalStateException("no order " + orderId));
  }
}
