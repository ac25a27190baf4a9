package io.orchestrix.projection.test;

import static io.orchestrix.projection.test.Orders.ORDERS;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.test.Orders.ItemAdded;
import io.orchestrix.projection.test.Orders.Order;
import io.orchestrix.projection.test.Orders.OrderPlaced;
import io.orchestrix.projection.test.Orders.OrderShipped;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultsTest {

  private static final Backoff QUICK = Backoff.of(Duration.ofMillis(1), Duration.ofMillis(5));

  @Test
  void aHandlerFailureUnderStopStopsAtTheEventWithTheEventsBeforeItCommitted() {
    Orders.fixture("kit-stop").build()
        .given(new OrderPlaced("o-1", "Ann"))
        .with(Fault.handlerFailsAt(2))
        .when(new ItemAdded("o-1"), new OrderShipped("o-1"), new ItemAdded("o-1"))
        .failed(HandlerFailedException.class)
        .stoppedAt(2)
        .checkpoint(2)
        .attempts(2, 1)
        .attempts(3, 0)
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 1));
  }

  @Test
  void aHandlerFailureUnderDeadLetterIsStoredAndItsStreamParked() {
    Orders.fixture("kit-dead-letter").failurePolicy(FailurePolicy.deadLetter()).build()
        .given(new OrderPlaced("o-1", "Ann"), new OrderPlaced("o-2", "Bob"))
        .with(Fault.handlerFailsAt(1))
        .when(new OrderShipped("o-1"), new ItemAdded("o-1"), new OrderShipped("o-2"))
        .noFailure()
        .healthy()
        .checkpoint(5)
        .deadLettered(1)
        .parked(2)
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 0))
        .document(ORDERS, "o-2", new Order("o-2", "Bob", "SHIPPED", 0));
  }

  @Test
  void aRetriedHandlerFailureThatPassesIsAppliedOnceAfterItsAttempts() {
    Orders.fixture("kit-retry").failurePolicy(FailurePolicy.retry(3).withBackoff(QUICK)).build()
        .given(new OrderPlaced("o-1", "Ann"))
        .with(Fault.handlerFailsAt(1).times(2))
        .when(new ItemAdded("o-1"))
        .noFailure()
        .attempts(1, 3)
        .noDeadLetters()
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 1));
  }

  @Test
  void retriesUsedUpThenDeadLetter() {
    Orders.fixture("kit-retry-dl")
        .failurePolicy(FailurePolicy.retry(2).withBackoff(QUICK).thenDeadLetter()).build()
        .given(new OrderPlaced("o-1", "Ann"))
        .with(Fault.handlerFailsAt(1))
        .when(new ItemAdded("o-1"))
        .attempts(1, 2)
        .deadLettered(1)
        .healthy();
  }

  @Test
  void aRefusedCommitAppliesNothingAndRedeliveryAppliesItOnce() {
    Orders.fixture("kit-store-refused").build()
        .given(new OrderPlaced("o-1", "Ann"))
        .with(Fault.storeFailsAt(2).times(1))
        .when(new ItemAdded("o-1"), new ItemAdded("o-1"))
        .failed(StoreException.class)
        .checkpoint(1)
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 0))
        .afterRestartAndRedelivery()
        .noFailure()
        .checkpoint(3)
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 2));
  }

  @Test
  void aCommitWhoseReplyIsLostIsNotAppliedTwiceOnRedelivery() {
    Orders.fixture("kit-store-lost").build()
        .given(new OrderPlaced("o-1", "Ann"))
        .oneEventPerBatch()
        .with(Fault.storeLosesReplyAt(2).times(1))
        .when(new ItemAdded("o-1"), new ItemAdded("o-1"), new ItemAdded("o-1"))
        .failed(StoreException.class)
        .checkpoint(3)
        .afterRestartAndRedelivery()
        .checkpoint(4)
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 3));
  }

  @Test
  void anOutcomeOtherThanTheExpectedOneFailsWithTheProjectionsState() {
    Then then = Orders.fixture("kit-wrong-outcome").build()
        .given(new OrderPlaced("o-1", "Ann"))
        .with(Fault.handlerFailsAt(1))
        .when(new ItemAdded("o-1"));

    assertThatThrownBy(() -> then.deadLettered(1))
        .isInstanceOf(ProjectionAssertionError.class)
        .hasMessageContaining("position 2 (evt-2, ItemAdded, stream o-1) was expected dead-lettered "
            + "but it is not a dead letter");
    assertThatThrownBy(then::healthy)
        .hasMessageContaining("stopped at position 2")
        .hasMessageContaining("fault injected by the test kit");
    assertThatThrownBy(then::noFailure).hasMessageContaining("HandlerFailedException");
  }
}
