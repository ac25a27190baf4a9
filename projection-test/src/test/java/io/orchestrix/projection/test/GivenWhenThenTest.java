package io.orchestrix.projection.test;

import static io.orchestrix.projection.test.Orders.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.test.Orders.ItemAdded;
import io.orchestrix.projection.test.Orders.Order;
import io.orchestrix.projection.test.Orders.OrderPlaced;
import io.orchestrix.projection.test.Orders.OrderShipped;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GivenWhenThenTest {

  private final ProjectionFixture fixture = Orders.fixture("kit-gwt").build();

  @Test
  void aMatchingDocumentPassesEveryKindOfExpectation() {
    Then then = fixture.given(new OrderPlaced("o-1", "Ann"), new OrderPlaced("o-2", "Bob"))
        .when(new OrderShipped("o-1"), new ItemAdded("o-2"));

    then.noFailure()
        .healthy()
        .checkpoint(4)
        .document(ORDERS, "o-1", new Order("o-1", "Ann", "SHIPPED", 0))
        .document(ORDERS, "o-2", o -> o.items() == 1, "has one item")
        .documents(ORDERS, new Order("o-1", "Ann", "SHIPPED", 0), new Order("o-2", "Bob", "PLACED", 1))
        .allDocuments(ORDERS, o -> !o.customer().isEmpty(), "has a customer")
        .query(ORDERS, "status", "SHIPPED", "o-1")
        .query(ORDERS, "customer", "Bob", "o-2")
        .noDocument(ORDERS, "o-3")
        .noDeadLetters();
    assertThat(then.readModel(ORDERS).count()).isEqualTo(2);
  }

  @Test
  void aDifferentDocumentIsReportedWithItsLastEventAndAJsonDiff() {
    Then then = fixture.given(new OrderPlaced("o-1", "Ann")).when(new ItemAdded("o-1"));

    assertThatThrownBy(() -> then.document(ORDERS, "o-1", new Order("o-1", "Ann", "SHIPPED", 1)))
        .isInstanceOf(ProjectionAssertionError.class)
        .hasMessageContaining("projection 'kit-gwt' after events at positions 1..2")
        .hasMessageContaining("document 'o-1' of read model 'kit_orders' (last written by the event "
            + "at position 2 (evt-2, ItemAdded, stream o-1))")
        .hasMessageContaining("$.status: expected \"SHIPPED\" but was \"PLACED\"")
        .satisfies(e -> {
          ProjectionAssertionError error = (ProjectionAssertionError) e;
          assertThat(error.expectedJson()).hasValueSatisfying(j -> assertThat(j).contains("SHIPPED"));
          assertThat(error.actualJson()).hasValueSatisfying(j -> assertThat(j).contains("PLACED"));
        });
  }

  @Test
  void missingUnexpectedAndMisqueriedDocumentsAreNamed() {
    Then then = fixture.given(new OrderPlaced("o-1", "Ann"), new OrderPlaced("o-2", "Bob")).then();

    assertThatThrownBy(() -> then.document(ORDERS, "o-9", new Order("o-9", "Eve", "PLACED", 0)))
        .hasMessageContaining("document 'o-9' of read model 'kit_orders' is missing");
    assertThatThrownBy(() -> then.documents(ORDERS, new Order("o-1", "Ann", "PLACED", 0)))
        .hasMessageContaining("holds documents not expected: [o-2]")
        .hasMessageContaining("position 2 (evt-2, OrderPlaced, stream o-2)");
    assertThatThrownBy(() -> then.query(ORDERS, "status", "PLACED", "o-1"))
        .hasMessageContaining("returned [o-1, o-2] but [o-1] was expected")
        .hasMessageContaining("not expected [o-2]");
    assertThatThrownBy(() -> then.noDocument(ORDERS, "o-1"))
        .hasMessageContaining("exists but was expected absent");
    assertThatThrownBy(() -> then.document(ORDERS, "o-2", o -> o.items() > 0, "has items"))
        .hasMessageContaining("does not meet the condition: has items");
    assertThatThrownBy(() -> then.checkpoint(5)).hasMessageContaining("the checkpoint is 2 but 5");
  }

  @Test
  void envelopesGetIdsStreamsPositionsAndTimesFilledIn() {
    fixture.clock().set(Instant.parse("2026-03-01T12:00:00Z"));
    Then then = fixture.given(
            TestEvent.in("custom-stream", new OrderPlaced("o-1", "Ann")).withMetadata("k", "v"),
            EventEnvelope.of("my-id", "o-2", 7, Instant.EPOCH, new OrderPlaced("o-2", "Bob")))
        .when(new ItemAdded("o-1"));

    then.checkpoint(8).document(ORDERS, "o-1", new Order("o-1", "Ann", "PLACED", 1));
    assertThatThrownBy(() -> then.checkpoint(1))
        .hasMessageContaining("position 8 (evt-8, ItemAdded, stream o-1)");
    assertThatThrownBy(() -> fixture.given(
            EventEnvelope.of("a", "s", 3, Instant.EPOCH, new OrderPlaced("o-1", "Ann")),
            EventEnvelope.of("b", "s", 2, Instant.EPOCH, new OrderPlaced("o-2", "Ann"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("envelope b has position 2, not after the previous event's 3");
    assertThat(new TestEvent("s", "p", Map.of()).withMetadata("a", "b").metadata())
        .containsEntry("a", "b");
  }

  @Test
  void badArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> ProjectionFixture.builder("kit").readModel(ORDERS).readModel(ORDERS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'kit_orders' is declared twice");
    assertThatThrownBy(() -> Fault.handlerFailsAt(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 0");
    assertThatThrownBy(() -> fixture.scenario().with(Fault.handlerFailsAt(3))
            .when(new OrderPlaced("o-1", "Ann")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names when event 3 but the when phase has 1 events");
    assertThatThrownBy(() -> fixture.given(new OrderPlaced("o-1", "Ann")).then().stoppedAt(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("when event 1 does not exist");
    assertThatThrownBy(() -> TestClock.create().advance(java.time.Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
