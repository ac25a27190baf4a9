package io.orchestrix.projection.test;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ReadModel;
import org.junit.jupiter.api.Test;

/** The test kit's example in the README and projection-test/README.md, as written there. */
class ReadmeExampleTest {

  record OrderPlaced(String orderId, String customer) {}

  record OrderShipped(String orderId) {}

  record Order(String id, String customer, String status) {}

  static final ReadModel<Order> ORDERS = ReadModel.builder("orders", Order.class)
      .id(Order::id)
      .index("status", Order::status)
      .build();

  // --- README begin
  ProjectionFixture orders = ProjectionFixture.builder("orders")
      .readModel(ORDERS)
      .streamId(event -> event instanceof OrderPlaced p ? p.orderId() : ((OrderShipped) event).orderId())
      .handlers(engine -> {
        engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext ctx) ->
            ctx.readModel(ORDERS).save(new Order(e.orderId(), e.customer(), "PLACED")));
        engine.on(OrderShipped.class, (OrderShipped e, HandlerContext ctx) -> {
          var view = ctx.readModel(ORDERS);
          view.findById(e.orderId()).ifPresent(o -> view.save(new Order(o.id(), o.customer(), "SHIPPED")));
        });
      })
      .failurePolicy(FailurePolicy.deadLetter())
      .build();

  @Test
  void shippingAnOrderMarksItShipped() {
    orders.given(new OrderPlaced("order-1", "Ann"))
        .when(new OrderShipped("order-1"))
        .document(ORDERS, "order-1", new Order("order-1", "Ann", "SHIPPED"))
        .query(ORDERS, "status", "SHIPPED", "order-1");
  }

  @Test
  void aFailingEventIsDeadLetteredAndItsStreamParked() {
    orders.given(new OrderPlaced("order-1", "Ann"))
        .with(Fault.handlerFailsAt(1))
        .when(new OrderShipped("order-1"), new OrderShipped("order-1"))
        .deadLettered(1)
        .parked(2)
        .document(ORDERS, "order-1", o -> o.status().equals("PLACED"), "is still placed");
  }

  @Test
  void theProjectionIsDeterministicAndSurvivesCrashes() {
    Object[] events = {new OrderPlaced("order-1", "Ann"), new OrderPlaced("order-2", "Bob"),
        new OrderShipped("order-1")};
    orders.checkDeterminism(events);
    orders.checkCrashRecovery(events);
  }

  @Test
  void aRunningProjectionIsAwaitedWithoutSleeping() {
    try (RunningProjection running = orders.start()) {
      running.append("order-1", new OrderPlaced("order-1", "Ann"), new OrderShipped("order-1"));
      running.awaitCaughtUp().document(ORDERS, "order-1", new Order("order-1", "Ann", "SHIPPED"));
    }
  }
  // --- README end
}
