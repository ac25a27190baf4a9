package io.orchestrix.projection.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orchestrix.projection.examples.orders.OrdersHttp.Answer;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The service over real HTTP on a random port: the order lifecycle, health and the projections
 * endpoint. Each database runs it through a subclass.
 */
abstract class OrdersHttpContract {

  @LocalServerPort
  int port;

  @Test
  void anOrderGoesThroughItsLifeAndEachPostAnswersWithItsOwnWriteVisible() throws Exception {
    String customer = "customer-" + UUID.randomUUID();
    Answer created = post("/orders",
        "{\"customerId\":\"" + customer + "\",\"customerName\":\"Ann\",\"amount\":10.00}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("status").asText()).isEqualTo("DRAFT");
    String id = created.body().get("orderId").asText();

    Answer item = post("/orders/" + id + "/items",
        "{\"itemId\":\"i-1\",\"itemName\":\"Widget\",\"quantity\":3,\"unitPrice\":19.99}");
    assertThat(item.body().get("totalAmount").decimalValue()).isEqualByComparingTo("69.97");
    assertThat(post("/orders/" + id + "/confirm", "").body().get("status").asText())
        .isEqualTo("CONFIRMED");
    Answer shipped = post("/orders/" + id + "/ship",
        "{\"carrier\":\"UPS\",\"trackingNumber\":\"1Z999\"}");
    assertThat(shipped.body().get("status").asText()).isEqualTo("SHIPPED");

    Answer read = get("/orders/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("carrier").asText()).isEqualTo("UPS");
    assertThat(read.body().get("items")).hasSize(1);

    Answer byCustomerAndStatus = get("/orders?customer=" + customer + "&status=SHIPPED");
    assertThat(byCustomerAndStatus.body()).hasSize(1);
    assertThat(byCustomerAndStatus.body().get(0).get("orderId").asText()).isEqualTo(id);
    assertThat(get("/orders?customer=" + customer + "&status=DRAFT").body()).isEmpty();
    assertThat(get("/orders?status=SHIPPED").body().findValuesAsText("orderId")).contains(id);

    assertThat(get("/orders/order-nosuch").status()).isEqualTo(404);
    assertThat(post("/orders/order-nosuch/confirm", "").status()).isEqualTo(404);
  }

  @Test
  void healthShowsTheProjectionAndTheEndpointPausesAndResumesIt() throws Exception {
    Answer health = get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    JsonNode projections = health.body().at("/components/projections");
    assertThat(projections.get("status").asText()).isEqualTo("UP");
    assertThat(projections.at("/details/order-summary/healthy").asBoolean()).isTrue();

    // it waits for the store (and learns which generation it writes) for a moment after start-up
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        get("/actuator/projections").body().at("/projections/order-summary/state").asText())
        .isIn("RUNNING", "CATCHING_UP"));
    assertThat(post("/actuator/projections/order-summary", "{\"action\":\"pause\"}").status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        get("/actuator/projections/order-summary").body().get("state").asText().equals("PAUSED"));

    Answer notVisible = post("/orders",
        "{\"customerId\":\"c-paused\",\"customerName\":\"Bo\",\"amount\":1.00}");
    assertThat(notVisible.status()).as("stored, but the paused projection cannot show it").isEqualTo(503);
    assertThat(notVisible.body().get("error").asText()).contains("PAUSED");

    assertThat(post("/actuator/projections/order-summary", "{\"action\":\"resume\"}").status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        get("/orders?customer=c-paused").body().size() == 1);
    assertThat(post("/actuator/projections/order-summary", "{\"action\":\"explode\"}").status())
        .isEqualTo(400);
  }

  @Test
  void theEndpointsRebuildIsBlueGreenByDefaultAndInPlaceOnlyWhenAskedFor() throws Exception {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        get("/actuator/projections/order-summary").body().get("state").asText())
        .isIn("RUNNING", "CATCHING_UP"));
    JsonNode projection = get("/actuator/projections/order-summary").body();
    assertThat(projection.get("codeVersion").asText()).isEqualTo("1");
    assertThat(projection.get("generation").asInt()).isEqualTo(1);
    assertThat(projection.at("/generations/0/state").asText()).isEqualTo("LIVE");

    Answer created = post("/orders",
        "{\"customerId\":\"c-rebuilt\",\"customerName\":\"Cy\",\"amount\":2.00}");
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    String id = created.body().get("orderId").asText();
    Answer refused = post("/actuator/projections/order-summary", "{\"action\":\"rebuild\"}");
    assertThat(refused.status())
        .as("blue-green, the default, has no new version to build: refused, nothing changed")
        .isEqualTo(400);
    assertThat(refused.body().get("message").asText()).contains("version '1' is the live one")
        .contains("mode=in-place");
    assertThat(get("/orders/" + id).status()).isEqualTo(200);
    assertThat(post("/actuator/projections/order-summary",
        "{\"action\":\"rebuild\",\"mode\":\"sideways\"}").status()).isEqualTo(400);
    assertThat(post("/actuator/projections/order-summary",
        "{\"action\":\"cut-over\",\"force\":true}").body().get("message").asText())
        .contains("nothing to cut over to");
    assertThat(post("/actuator/projections/order-summary",
        "{\"action\":\"drop-generation\",\"generation\":1}").body().get("message").asText())
        .contains("generation 1 is LIVE");
    assertThat(post("/actuator/projections/nosuch", "{\"action\":\"pause\"}").status())
        .isEqualTo(404);

    Answer inPlace = post("/actuator/projections/order-summary",
        "{\"action\":\"rebuild\",\"mode\":\"in-place\"}");
    assertThat(inPlace.status()).isEqualTo(200);
    assertThat(inPlace.body().get("mode").asText()).isEqualTo("in-place");
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode status = get("/actuator/projections/order-summary").body();
      return status.get("position").asLong() == status.get("headPosition").asLong()
          && get("/orders/" + id).status() == 200;
    });
  }

  Answer get(String path) throws IOException, InterruptedException {
    return new OrdersHttp(port).get(path);
  }

  Answer post(String path, String json) throws IOException, InterruptedException {
    return new OrdersHttp(port).post(path, json);
  }
}
