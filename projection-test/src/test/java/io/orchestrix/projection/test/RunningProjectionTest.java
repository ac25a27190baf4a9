package io.orchestrix.projection.test;

import static io.orchestrix.projection.test.Orders.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.test.Orders.ItemAdded;
import io.orchestrix.projection.test.Orders.Order;
import io.orchestrix.projection.test.Orders.OrderPlaced;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunningProjectionTest {

  @Test
  void appendedEventsAreAwaitedWithoutSleepingAndChecked() {
    try (RunningProjection running = Orders.fixture("kit-running").build().start()) {
      long placed = running.append("o-1", new OrderPlaced("o-1", "Ann"));
      running.awaitPosition(placed).document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 0));

      running.append(new ItemAdded("o-1"), new ItemAdded("o-1"));
      running.awaitCaughtUp()
          .checkpoint(3)
          .document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 2));
      assertThat(running.status().position()).isEqualTo(3);
      assertThat(running.runner().health().up()).isTrue();
    }
  }

  @Test
  void theTestClockStampsEventsAndDrivesTheRunnersTimes() {
    try (RunningProjection running = Orders.fixture("kit-running-clock").build().start()) {
      running.append("o-1", new OrderPlaced("o-1", "Ann"));
      running.awaitCaughtUp();
      assertThat(running.log().read(0, 1).get(0).occurredAt()).isEqualTo(TestClock.DEFAULT_START);

      running.clock().advance(Duration.ofHours(1));
      running.append("o-1", new ItemAdded("o-1"));
      running.awaitCaughtUp();
      assertThat(running.log().read(1, 1).get(0).occurredAt())
          .isEqualTo(TestClock.DEFAULT_START.plus(Duration.ofHours(1)));
    }
  }

  @Test
  void aFailingEventIsDeadLetteredByTheRunnerAndTheStreamParked() {
    ProjectionFixture fixture = Orders.fixture("kit-running-dl")
        .failurePolicy(FailurePolicy.deadLetter())
        .handlers(engine -> {
          Orders.register(engine);
          engine.on(ItemAdded.class, (ItemAdded e, HandlerContext ctx) -> {
            if (ctx.envelope().position() == 2) {
              throw new IllegalStateException("bad item");
            }
          });
        })
        .build();
    try (RunningProjection running = fixture.start()) {
      running.append("o-1", new OrderPlaced("o-1", "Ann"), new ItemAdded("o-1"), new ItemAdded("o-1"));
      running.awaitCaughtUp().deadLettered(2).parked(3).healthy();
    }
  }

  @Test
  void anAwaitThatTimesOutReportsTheStatus() {
    try (RunningProjection running = Orders.fixture("kit-running-timeout").build().start()) {
      running.timeout(Duration.ofMillis(50));
      assertThatThrownBy(() -> running.awaitPosition(5))
          .isInstanceOf(ProjectionAssertionError.class)
          .hasMessageContaining("did not reach position 5 within PT0.05S")
          .hasMessageContaining(ProjectionStatus.class.getSimpleName());
    }
  }
}
