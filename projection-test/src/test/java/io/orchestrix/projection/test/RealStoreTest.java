package io.orchestrix.projection.test;

import static io.orchestrix.projection.test.Orders.ORDERS;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.tck.TestServers;
import io.orchestrix.projection.test.Orders.ItemAdded;
import io.orchestrix.projection.test.Orders.Order;
import io.orchestrix.projection.test.Orders.OrderPlaced;
import io.orchestrix.projection.test.Orders.OrderShipped;
import org.junit.jupiter.api.Test;

/** The kit on stores opened by URI: H2 embedded, and PostgreSQL where one is found. */
class RealStoreTest {

  @Test
  void scenariosFaultsAndChecksRunOnH2() {
    try (ProjectionFixture fixture = Orders.fixture("kit-h2")
        .store("jdbc:h2:mem:projection-test-kit;DB_CLOSE_DELAY=-1")
        .failurePolicy(FailurePolicy.deadLetter())
        .build()) {
      exercise(fixture);
    }
  }

  @Test
  void scenariosFaultsAndChecksRunOnPostgres() {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    try (ProjectionFixture fixture = Orders.fixture("kit-postgres").store(url)
        .failurePolicy(FailurePolicy.deadLetter())
        .build()) {
      exercise(fixture);
    }
  }

  private static void exercise(ProjectionFixture fixture) {
    fixture.given(new OrderPlaced("o-1", "Ann"))
        .with(Fault.handlerFailsAt(1))
        .when(new OrderShipped("o-1"), new ItemAdded("o-1"))
        .deadLettered(1)
        .parked(2)
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 0));
    fixture.given(new OrderPlaced("o-2", "Bob"))
        .with(Fault.storeLosesReplyAt(1).times(1))
        .when(new ItemAdded("o-2"))
        .afterRestartAndRedelivery()
        .documents(ORDERS, new Order("o-2", "Bob", "PLACED", 1));
    Object[] events = {new OrderPlaced("o-3", "Cy"), new ItemAdded("o-3"), new OrderShipped("o-3")};
    fixture.checkDeterminism(events);
    fixture.checkCrashRecovery(events);
    try (RunningProjection running = fixture.start()) {
      running.append("o-4", new OrderPlaced("o-4", "Di"));
      running.awaitCaughtUp().documents(ORDERS, new Order("o-4", "Di", "PLACED", 0));
    }
  }
}
