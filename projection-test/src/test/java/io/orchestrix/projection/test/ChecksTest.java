package io.orchestrix.projection.test;

import static io.orchestrix.projection.test.Orders.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.test.Orders.ItemAdded;
import io.orchestrix.projection.test.Orders.OrderPlaced;
import io.orchestrix.projection.test.Orders.OrderShipped;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChecksTest {

  private static final Object[] EVENTS = {
      new OrderPlaced("o-1", "Ann"), new OrderPlaced("o-2", "Bob"), new ItemAdded("o-1"),
      new OrderShipped("o-1"), new ItemAdded("o-2")};

  record Stamp(String id, String at) {}

  static final ReadModel<Stamp> STAMPS = ReadModel.builder("kit_stamps", Stamp.class)
      .id(Stamp::id).build();

  @Test
  void aDeterministicProjectionGivesTheSameDigestEveryTime() {
    ProjectionFixture fixture = Orders.fixture("kit-deterministic").build();

    String digest = fixture.checkDeterminism(EVENTS);

    assertThat(digest).hasSize(64).isEqualTo(fixture.checkDeterminism(EVENTS));
    assertThat(fixture.checkCrashRecovery(EVENTS)).isEqualTo(2 * EVENTS.length);
  }

  @Test
  void aHandlerReadingTheWallClockIsCaught() {
    ProjectionFixture fixture = ProjectionFixture.builder("kit-wall-clock")
        .readModel(STAMPS)
        .handlers(engine -> engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext ctx) ->
            ctx.readModel(STAMPS).save(new Stamp(e.orderId(), Instant.now().toString()))))
        .build();

    assertThatThrownBy(() -> fixture.checkDeterminism(EVENTS))
        .isInstanceOf(ProjectionAssertionError.class)
        .hasMessageContaining("processed twice from scratch (the second run later by the wall clock) gave different results")
        .hasMessageContaining("read model 'kit_stamps' document 'o-1' differs")
        .hasMessageContaining("$.at: expected");
  }

  @Test
  void aHandlerDependingOnTheOrderAcrossStreamsIsCaughtByTheStreamOrderCheck() {
    ProjectionFixture perStream = Orders.fixture("kit-per-stream").build();
    perStream.checkStreamOrderIndependence(EVENTS);

    ProjectionFixture latest = ProjectionFixture.builder("kit-latest-order")
        .readModel(STAMPS)
        .streamId(Orders::streamOf)
        .handlers(engine -> engine.on(Object.class, (Object e, HandlerContext ctx) ->
            ctx.readModel(STAMPS).save(new Stamp("latest", ctx.envelope().streamId()))))
        .build();
    assertThatThrownBy(() -> latest.checkStreamOrderIndependence(EVENTS))
        .isInstanceOf(ProjectionAssertionError.class)
        .hasMessageContaining("streams [o-1, o-2] gave different read models")
        .hasMessageContaining("document 'latest' differs")
        .hasMessageContaining("$.at: expected \"o-2\" but was \"o-1\"");
  }

  @Test
  void aHandlerKeepingStateOutsideTheReadModelsIsCaughtByBothChecks() {
    AtomicInteger sharedAcrossRuns = new AtomicInteger();
    ProjectionFixture shared = ProjectionFixture.builder("kit-outside-state")
        .readModel(STAMPS)
        .handlers(engine -> engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext ctx) ->
            ctx.readModel(STAMPS).save(new Stamp(e.orderId(), "n" + sharedAcrossRuns.incrementAndGet()))))
        .build();
    assertThatThrownBy(() -> shared.checkDeterminism(EVENTS))
        .hasMessageContaining("document 'o-1' differs");

    ProjectionFixture perEngine = ProjectionFixture.builder("kit-counter-per-engine")
        .readModel(STAMPS)
        .handlers(engine -> {
          AtomicInteger counter = new AtomicInteger();
          engine.on(OrderPlaced.class, (OrderPlaced e, HandlerContext ctx) ->
              ctx.readModel(STAMPS).save(new Stamp(e.orderId(), "n" + counter.incrementAndGet())));
        })
        .build();
    assertThatThrownBy(() -> perEngine.checkCrashRecovery(EVENTS))
        .isInstanceOf(ProjectionAssertionError.class)
        .hasMessageContaining("after a crash at the commit of the event at position 1 (evt-1, "
            + "OrderPlaced, stream stream-1, the store failing after applying it, its reply lost)")
        .hasMessageContaining("document 'o-2' differs");
  }
}
