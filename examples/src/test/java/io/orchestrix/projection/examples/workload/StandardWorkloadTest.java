package io.orchestrix.projection.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StandardWorkloadTest {

  @ParameterizedTest(name = "N = {0}: fingerprint {1}, Σ items {2}, Σ total {3}")
  @CsvSource({
      "50000, 05e32c561e5f664e, 90000, 4514098.00",
      "200000, 37416183a0a49cb4, 360000, 18152215.00"})
  void generatesExactlyTheStreamOfTheWorkloadTable(
      int events, String fingerprint, long itemCount, BigDecimal totalAmount) {
    Fingerprint hash = new Fingerprint();
    long items = 0;
    BigDecimal total = BigDecimal.ZERO;
    for (EventEnvelope<WorkloadEvent> event : StandardWorkload.of(events)) {
      hash.add(event.payload());
      if (event.payload() instanceof ItemAdded added) {
        items += added.qty();
        total = total.add(added.lineTotal());
      }
    }

    assertThat(hash.hex()).as("FNV-1a 64 of the canonical lines").isEqualTo(fingerprint);
    assertThat(items).as("Σ item count").isEqualTo(itemCount);
    assertThat(total).as("Σ total amount").isEqualTo(totalAmount);
  }

  @Test
  void everyOrderEmitsItsFiveEventsInOrderAtPositionsOneToN() {
    int events = 50_000;
    Map<String, Integer> emitted = new HashMap<>();
    Set<String> eventIds = new HashSet<>();
    long expectedPosition = 1;
    for (EventEnvelope<WorkloadEvent> event : StandardWorkload.of(events)) {
      assertThat(event.position()).isEqualTo(expectedPosition++);
      assertThat(event.streamId()).isEqualTo(event.payload().orderId());
      assertThat(eventIds.add(event.eventId())).as("event id %s is unique", event.eventId()).isTrue();
      int step = emitted.merge(event.streamId(), 1, Integer::sum) - 1;
      Class<?> expectedType = switch (step) {
        case 0 -> OrderCreated.class;
        case 4 -> OrderShipped.class;
        default -> ItemAdded.class;
      };
      assertThat(event.payload()).as("event %d of %s", step, event.streamId())
          .isInstanceOf(expectedType);
    }
    assertThat(expectedPosition - 1).isEqualTo(events);
    assertThat(emitted).hasSize(events / 5).allSatisfy((order, count) -> assertThat(count).isEqualTo(5));
  }

  @Test
  void keepsAtMostOneHundredOrdersInFlight() {
    // an order counts as open here from its first emitted event, so the window of 100 shows as a bit less
    Set<String> open = new HashSet<>();
    int most = 0;
    Map<String, Integer> emitted = new HashMap<>();
    for (EventEnvelope<WorkloadEvent> event : StandardWorkload.of(20_000)) {
      open.add(event.streamId());
      most = Math.max(most, open.size());
      if (emitted.merge(event.streamId(), 1, Integer::sum) == 5) {
        open.remove(event.streamId());
      }
    }
    assertThat(most).isBetween(StandardWorkload.WINDOW - 10, StandardWorkload.WINDOW);
  }

  @Test
  void fieldValuesAreTheFunctionsOfTheWorkloadTable() {
    assertThat(StandardWorkload.event(143, 0))
        .isEqualTo(new OrderCreated("order-143", "cust-1", "Customer 1"));
    assertThat(StandardWorkload.event(143, 2))
        .isEqualTo(new ItemAdded("order-143", "item-30", 5, new BigDecimal("45.50")));
    assertThat(StandardWorkload.event(143, 4))
        .isEqualTo(new OrderShipped("order-143", "USPS", "TRK-143"));
    assertThat(StandardWorkload.event(319, 1).canonical()).isEqualTo("I|order-319|item-57|5|99.89");
    assertThat(StandardWorkload.event(320, 1).canonical()).isEqualTo("I|order-320|item-60|1|1.20");
  }

  @Test
  void twoGenerationsAreEqualEventForEventAndTheIteratorIsLazy() {
    List<EventEnvelope<WorkloadEvent>> listed = StandardWorkload.of(5_000).toList();
    Iterator<EventEnvelope<WorkloadEvent>> lazy = StandardWorkload.of(5_000).iterator();
    for (EventEnvelope<WorkloadEvent> event : listed) {
      assertThat(lazy.next()).isEqualTo(event);
    }
    assertThat(lazy.hasNext()).isFalse();
    assertThat(StandardWorkload.eventId(7)).isEqualTo(StandardWorkload.eventId(7))
        .isNotEqualTo(StandardWorkload.eventId(8));
  }

  @Test
  void refusesAnEventCountThatIsNotAPositiveMultipleOfFive() {
    assertThatThrownBy(() -> StandardWorkload.of(12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 5").hasMessageContaining("12");
    assertThatThrownBy(() -> StandardWorkload.of(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
