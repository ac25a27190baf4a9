package io.orchestrix.projection.core;

import io.orchestrix.projection.core.json.EventTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.SerializationException;
import org.junit.jupiter.api.Test;

class EventTypesTest {

  record PriceSet(String sku, String amount, String currency) {}

  @Test
  void oldEventVersionsAreUpcastThroughAChainBeforeTheyAreRead() {
    EventTypes types = EventTypes.builder()
        .register("PriceSet.v3", PriceSet.class)
        .upcaster("PriceSet.v1", "PriceSet.v2", json -> json.put("amount", json.remove("price").asText()))
        .upcaster("PriceSet.v2", "PriceSet.v3", json -> json.put("currency", "EUR"))
        .build();

    Object event = types.fromJson("PriceSet.v1", "{\"sku\":\"k\",\"price\":\"9.99\"}");

    assertThat(event).isEqualTo(new PriceSet("k", "9.99", "EUR"));
    assertThat(types.nameOf(PriceSet.class)).isEqualTo("PriceSet.v3");
  }

  @Test
  void unknownTypesAndDanglingUpcastersAreNamedInTheError() {
    EventTypes types = EventTypes.builder().register(PriceSet.class).build();

    assertThatThrownBy(() -> types.fromJson("Nope", "{}"))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown event type 'Nope'").hasMessageContaining("PriceSet");
    assertThatThrownBy(() -> types.nameOf(String.class))
        .isInstanceOf(SerializationException.class).hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> EventTypes.builder().upcaster("A", "B", j -> j).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A -> B");
  }

  @Test
  void byClassNameNeedsNoRegistration() {
    EventTypes types = EventTypes.byClassName();

    String name = types.nameOf(PriceSet.class);

    assertThat(types.fromJson(name, types.toJson(new PriceSet("k", "1", "USD"))))
        .isEqualTo(new PriceSet("k", "1", "USD"));
  }

  record Priced(java.math.BigDecimal amount) {}

  @Test
  void decimalsKeepTheirScaleThroughTheJsonTreeAndUpcasting() {
    EventTypes types = EventTypes.builder().register("Priced", Priced.class)
        .upcaster("Priced.v0", "Priced", json -> json)
        .build();

    Object direct = types.fromJson("Priced", "{\"amount\":22.70}");
    Object upcast = types.fromJson("Priced.v0", "{\"amount\":22.70}");

    assertThat(((Priced) direct).amount()).hasToString("22.70");
    assertThat(((Priced) upcast).amount()).hasToString("22.70");
  }
}
