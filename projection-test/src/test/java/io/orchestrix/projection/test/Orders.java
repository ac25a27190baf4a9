package io.orchestrix.projection.test;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;

/** The projection the kit's tests run: orders placed, shipped and counted. */
final class Orders {

  record OrderPlaced(String orderId, String customer) {}

  record OrderShipped(String orderId) {}

  record ItemAdded(String orderId) {}

  record Order(String id, String customer, String status, int items) {}

  static final ReadModel<Order> ORDERS = ReadModel.builder("kit_orders", Order.class)
      .id(Order::id)
      .index("status", Order::status)
      .index("customer", Order::customer)
      .build();

  private Orders() {}

  static void register(ProjectionEngine engine) {
    engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext ctx) ->
        ctx.readModel(ORDERS).save(new Order(e.orderId(), e.customer(), "PLACED", 0)));
    engine.on(OrderShipped.class, (OrderShipped e, HandlerContext ctx) -> {
      var orders = ctx.readModel(ORDERS);
      orders.findById(e.orderId()).ifPresent(o ->
          orders.save(new Order(o.id(), o.customer(), "SHIPPED", o.items())));
    });
    engine.on(ItemAdded.class, (ItemAdded e, HandlerContext ctx) -> {
      var orders = ctx.readModel(ORDERS);
      orders.findById(e.orderId()).ifPresent(o ->
          orders.save(new Order(o.id(), o.customer(), o.status(), o.items() + 1)));
    });
  }

  static ProjectionFixture.Builder fixture(String projectionId) {
    return ProjectionFixture.builder(projectionId)
        .readModel(ORDERS)
        .streamId(Orders::streamOf)
        .handlers(Orders::register);
  }

  static String streamOf(Object payload) {
    if (payload instanceof OrderPlaced p) {
      return p.orderId();
    }
    if (payload instanceof OrderShipped s) {
      return s.orderId();
    }
    if (payload instanceof ItemAdded i) {
      return i.orderId();
    }
    return ProjectionFixture.DEFAULT_STREAM;
  }
}
