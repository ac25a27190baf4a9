package io.orchestrix.projection.examples;

import static io.orchestrix.projection.examples.ordersummary.OrderSummary.READ_MODEL;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.examples.ordersummary.Events.ItemAddedToOrder;
import io.orchestrix.projection.examples.ordersummary.Events.OrderCancelled;
import io.orchestrix.projection.examples.ordersummary.Events.OrderConfirmed;
import io.orchestrix.projection.examples.ordersummary.Events.OrderCreated;
import io.orchestrix.projection.examples.ordersummary.Events.OrderShipped;
import io.orchestrix.projection.examples.ordersummary.OrderSummary;
import io.orchestrix.projection.examples.ordersummary.OrderSummary.LineItem;
import io.orchestrix.projection.examples.ordersummary.OrderSummary.Status;
import io.orchestrix.projection.examples.ordersummary.OrderSummaryProjection;
import io.orchestrix.projection.test.Fault;
import io.orchestrix.projection.test.ProjectionFixture;
import io.orchestrix.projection.test.RunningProjection;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The OrderSummary example's projection, tested with the test kit as a user would test theirs. */
class OrderSummaryProjectionKitTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private static ProjectionFixture.Builder fixture(String id) {
    return ProjectionFixture.builder(id)
        .readModel(READ_MODEL)
        .streamId(OrderSummaryProjectionKitTest::orderOf)
        .handlers(engine -> engine.register(new OrderSummaryProjection(QUIET)));
  }

  private static String orderOf(Object event) {
    if (event instanceof OrderCreated e) {
      return e.orderId();
    }
    if (event instanceof ItemAddedToOrder e) {
      return e.orderId();
    }
    if (event instanceof OrderConfirmed e) {
      return e.orderId();
    }
    if (event instanceof OrderShipped e) {
      return e.orderId();
    }
    return ((OrderCancelled) event).orderId();
  }

  private static final OrderCreated CREATED =
      new OrderCreated("ORD-1", "CUST-1", "Ann", new BigDecimal("10.00"));
  private static final ItemAddedToOrder ITEM =
      new ItemAddedToOrder("ORD-1", "ITEM-1", "Widget", 2, new BigDecimal("4.50"));

  @Test
  void anOrderWithAnItemShippedHasItsTotalCarrierAndStatus() {
    OrderSummary expected = OrderSummary.opened("ORD-1", "CUST-1", "Ann", new BigDecimal("10.00"))
        .withItem(new LineItem("ITEM-1", "Widget", 2, new BigDecimal("4.50")))
        .withStatus(Status.CONFIRMED)
        .shipped("DHL", "TRACK-1");

    fixture("kit-order-summary").build()
        .given(CREATED, ITEM, new OrderConfirmed("ORD-1"))
        .when(new OrderShipped("ORD-1", "DHL", "TRACK-1"))
        .noFailure()
        .document(READ_MODEL, "ORD-1", expected)
        .document(READ_MODEL, "ORD-1", o -> o.totalAmount().compareTo(new BigDecimal("19.00")) == 0,
            "totals 19.00")
        .query(READ_MODEL, "status", "SHIPPED", "ORD-1")
        .query(READ_MODEL, "customer_id", "CUST-1", "ORD-1");
  }

  @Test
  void anEventForAnOrderNeverCreatedStopsTheProjectionOrIsDeadLettered() {
    fixture("kit-order-summary-stop").build()
        .given(CREATED)
        .when(new OrderConfirmed("ORD-404"), new OrderConfirmed("ORD-1"))
        .failed(HandlerFailedException.class)
        .stoppedAt(1)
        .checkpoint(1);

    fixture("kit-order-summary-dl").failurePolicy(FailurePolicy.deadLetter()).build()
        .given(CREATED)
        .when(new OrderConfirmed("ORD-404"), new OrderConfirmed("ORD-1"))
        .deadLettered(1)
        .document(READ_MODEL, "ORD-1", o -> o.status() == Status.CONFIRMED, "is confirmed");
  }

  @Test
  void aLostCommitReplyAddsTheItemOnceAfterRedelivery() {
    fixture("kit-order-summary-crash").build()
        .given(CREATED)
        .with(Fault.storeLosesReplyAt(1).times(1))
        .when(ITEM)
        .afterRestartAndRedelivery()
        .document(READ_MODEL, "ORD-1", o -> o.items().size() == 1, "has exactly one item");
  }

  @Test
  void theProjectionIsDeterministicAndSurvivesACrashAtEveryCommit() {
    ProjectionFixture fixture = fixture("kit-order-summary-checks").build();
    Object[] events = {CREATED, ITEM, new OrderConfirmed("ORD-1"),
        new OrderCreated("ORD-2", "CUST-2", "Bob", BigDecimal.ONE),
        new OrderCancelled("ORD-2", "changed mind"), new OrderShipped("ORD-1", "UPS", "T-2")};
    fixture.checkDeterminism(events);
    fixture.checkStreamOrderIndependence(events);
    fixture.checkCrashRecovery(events);
  }

  @Test
  void aRunningProjectionFollowsAppendedEvents() {
    try (RunningProjection running = fixture("kit-order-summary-runner").build().start()) {
      running.append(CREATED, ITEM);
      running.awaitCaughtUp()
          .document(READ_MODEL, "ORD-1", o -> o.items().size() == 1, "has one item")
          .checkpoint(2);
    }
  }
}
