package io.orchestrix.projection.examples.orders;

import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.examples.orders.OrderEvents.ItemAdded;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderCancelled;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderConfirmed;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderCreated;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderDelivered;
import io.orchestrix.projection.examples.orders.OrderEvents.OrderShipped;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The orders web service: commands append events to the JDBC event store on the application's
 * DataSource, the {@code order-summary} projection keeps the read model in the same database, and
 * queries read it through its indexes.
 */
@SpringBootApplication
public class OrdersApplication {

  /** Starts the service. */
  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }

  /** Stable names for the stored events, independent of the Java class names. */
  @Bean
  EventTypes orderEventTypes() {
    return EventTypes.builder()
        .register("OrderCreated", OrderCreated.class)
        .register("ItemAdded", ItemAdded.class)
        .register("OrderConfirmed", OrderConfirmed.class)
        .register("OrderShipped", OrderShipped.class)
        .register("OrderDelivered", OrderDelivered.class)
        .register("OrderCancelled", OrderCancelled.class)
        .build();
  }
}
