package io.orchestrix.projection.examples.orders;

import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.StreamVersionConflictException;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.examples.orders.OrderEvents.ItemAdded;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderCancelled;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderConfirmed;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderCreated;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderDelivered;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderShipped;
import io.orchestrix.projection.spring.ReadYourWrites;
import io.orchestrix.projection.spring.ReadYourWritesTimeoutException;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Orders over HTTP. Each POST appends to the order's stream (optimistically, at the version it read)
 * and answers once the {@code order-summary} projection has processed its own events, with the
 * summary as it is then: a client reads its own write. GETs read the read model through its indexes.
 */
@RestController
@RequestMapping("/orders")
public class OrdersController {

  private final JdbcEventStore events;
  private final ReadModelView<OrderSummary> orders;
  private final ReadYourWrites readYourWrites;

  public OrdersController(JdbcEventStore events, ReadModelView<OrderSummary> orders,
      ReadYourWrites readYourWrites) {
    this.events = events;
    this.orders = orders;
    this.readYourWrites = readYourWrites;
  }

  /** The body of {@code POST /orders}. */
  public record NewOrder(String customerId, String customerName, BigDecimal amount) {}

  /** The body of {@code POST /orders/{id}/items}. */
  public record NewItem(String itemId, String itemName, int quantity, BigDecimal unitPrice) {}

  /** The body of {@code POST /orders/{id}/ship}. */
  public record Shipment(String carrier, String trackingNumber) {}

  /** The body of {@code POST /orders/{id}/cancel}. */
  public record Cancellation(String reason) {}

  @PostMapping
  ResponseEntity<OrderSummary> create(@RequestBody NewOrder order) {
    String orderId = "order-" + UUID.randomUUID();
    long position = events.append(orderId, 0, List.of(
        new OrderCreated(orderId, order.customerId(), order.customerName(), order.amount())));
    return ResponseEntity.status(HttpStatus.CREATED).body(visible(orderId, position));
  }

  @PostMapping("/{id}/items")
  ResponseEntity<OrderSummary> addItem(@PathVariable String id, @RequestBody NewItem item) {
    return change(id, orderId -> new ItemAdded(orderId, item.itemId(), item.itemName(),
        item.quantity(), item.unitPrice()));
  }

  @PostMapping("/{id}/confirm")
  ResponseEntity<OrderSummary> confirm(@PathVariable String id) {
    return change(id, OrderConfirmed::new);
  }

  @PostMapping("/{id}/ship")
  ResponseEntity<OrderSummary> ship(@PathVariable String id, @RequestBody Shipment shipment) {
    return change(id, orderId -> new OrderShipped(orderId, shipment.carrier(), shipment.trackingNumber()));
  }

  @PostMapping("/{id}/deliver")
  ResponseEntity<OrderSummary> deliver(@PathVariable String id) {
    return change(id, OrderDelivered::new);
  }

  @PostMapping("/{id}/cancel")
  ResponseEntity<OrderSummary> cancel(@PathVariable String id, @RequestBody Cancellation cancellation) {
    return change(id, orderId -> new OrderCancelled(orderId, cancellation.reason()));
  }

  @GetMapping("/{id}")
  ResponseEntity<OrderSummary> get(@PathVariable String id) {
    return ResponseEntity.of(orders.findById(id));
  }

  /** Orders by status, by customer, or both; one of them is required. */
  @GetMapping
  ResponseEntity<List<OrderSummary>> find(@RequestParam(required = false) OrderSummary.@Nullable Status status,
      @RequestParam(required = false) @Nullable String customer) {
    List<OrderSummary> found;
    if (customer != null) {
      found = orders.findBy("customer_id", customer).stream()
          .filter(order -> status == null || order.status() == status).toList();
    } else if (status != null) {
      found = orders.findBy("status", status.name());
    } else {
      return ResponseEntity.badRequest().build();
    }
    return ResponseEntity.ok(found.stream().sorted(Comparator.comparing(OrderSummary::orderId)).toList());
  }

  private ResponseEntity<OrderSummary> change(String orderId, Function<String, Object> event) {
    long version = events.streamVersion(orderId);
    if (version == 0) {
      return ResponseEntity.notFound().build();
    }
    long position = events.append(orderId, version, List.of(event.apply(orderId)));
    return ResponseEntity.ok(visible(orderId, position));
  }

  private OrderSummary visible(String orderId, long position) {
    readYourWrites.await(OrderSummaryProjection.ID, position);
    return orders.findById(orderId).orElseThrow();
  }

  @ExceptionHandler(StreamVersionConflictException.class)
  ResponseEntity<Map<String, String>> conflict(StreamVersionConflictException conflict) {
    return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", conflict.getMessage()));
  }

  @ExceptionHandler(ReadYourWritesTimeoutException.class)
  ResponseEntity<Map<String, String>> notVisibleYet(ReadYourWritesTimeoutException timeout) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(Map.of("error", "stored, not visible yet: " + timeout.getMessage()));
  }
}
