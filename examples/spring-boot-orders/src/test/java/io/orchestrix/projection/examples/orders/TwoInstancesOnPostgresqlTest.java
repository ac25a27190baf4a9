package io.orchestrix.projection.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orchestrix.projection.examples.orders.OrdersHttp.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the service, {@code node-a} and {@code node-b}, on one PostgreSQL database (the
 * event store and the read model shared), sharing the {@code order-summary} projection: its three
 * partitions are shared out by leases in the store. Orders are posted through both over real HTTP;
 * each POST answers with its own write visible whichever node owns the order's partition; every
 * order reads the same through either instance. Once {@code node-b} stops, {@code node-a} takes its
 * partitions and processes new orders alone.
 */
class TwoInstancesOnPostgresqlTest {

  private static final String TABLE_PREFIX = "ord2_";
  private static final int PARTITIONS = 3;
  private static final Duration LEASE_TIME = Duration.ofSeconds(3);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void stopInstances() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void twoInstancesShareTheProjectionAndOneTakesOverThePartitionsOfTheOtherWhenItStops()
      throws Exception {
    String url = PostgresDatabase.url();
    PostgresDatabase.dropTables(url, TABLE_PREFIX);
    ConfigurableApplicationContext contextA = start(url, "node-a");
    OrdersHttp a = client(contextA);
    ConfigurableApplicationContext contextB = start(url, "node-b");
    OrdersHttp b = client(contextB);

    await().atMost(DEADLINE).untilAsserted(() -> {
      Map<Integer, String> seenByA = owners(a);
      assertThat(seenByA).as("owners as node-a sees them").hasSize(PARTITIONS)
          .doesNotContainValue("none");
      assertThat(seenByA.values()).as("the partitions are shared").contains("node-a", "node-b");
      assertThat(owners(b)).as("node-b sees the same owners").isEqualTo(seenByA);
    });
    assertThat(get(a, "/actuator/health").at("/components/projections/status").asText())
        .isEqualTo("UP");
    assertThat(get(b, "/actuator/health").at("/components/projections/status").asText())
        .isEqualTo("UP");

    String customer = "customer-" + UUID.randomUUID();
    List<OrdersHttp> instances = List.of(a, b);
    List<String> orderIds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      orderIds.add(placeAndConfirm(instances.get(i % 2), instances.get((i + 1) % 2), customer, i));
    }
    for (String id : orderIds) {
      int index = orderIds.indexOf(id);
      for (OrdersHttp instance : instances) {
        JsonNode order = get(instance, "/orders/" + id);
        assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(order.get("customerId").asText()).isEqualTo(customer);
        assertThat(order.get("items")).hasSize(1);
        assertThat(order.get("totalAmount").decimalValue())
            .isEqualByComparingTo(String.valueOf(2 * (index + 1)));
      }
    }
    for (OrdersHttp instance : instances) {
      assertThat(get(instance, "/orders?customer=" + customer + "&status=CONFIRMED")
          .findValuesAsText("orderId")).containsExactlyInAnyOrderElementsOf(orderIds);
    }

    contextB.close();
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(owners(a).values())
        .as("node-a owns every partition once node-b has stopped").hasSize(PARTITIONS)
        .containsOnly("node-a"));
    for (int i = 4; i < 6; i++) {
      orderIds.add(placeAndConfirm(a, a, customer, i));
    }
    assertThat(get(a, "/orders?customer=" + customer + "&status=CONFIRMED")
        .findValuesAsText("orderId")).containsExactlyInAnyOrderElementsOf(orderIds);
    assertThat(get(a, "/actuator/health").at("/components/projections/status").asText())
        .isEqualTo("UP");
  }

  /**
   * Creates an order through one instance and adds an item and confirms it through the other,
   * checking that each answer shows its own write.
   */
  private static String placeAndConfirm(OrdersHttp first, OrdersHttp second, String customer, int i)
      throws Exception {
    Answer created = first.post("/orders",
        "{\"customerId\":\"" + customer + "\",\"customerName\":\"Ann\",\"amount\":0}");
    assertThat(created.status()).as("create %d: %s", i, created.body()).isEqualTo(201);
    assertThat(created.body().get("status").asText()).isEqualTo("DRAFT");
    String id = created.body().get("orderId").asText();

    Answer item = second.post("/orders/" + id + "/items",
        "{\"itemId\":\"i-" + i + "\",\"itemName\":\"Widget\",\"quantity\":2,\"unitPrice\":"
            + (i + 1) + "}");
    assertThat(item.status()).as("add item %d: %s", i, item.body()).isEqualTo(200);
    assertThat(item.body().get("totalAmount").decimalValue())
        .isEqualByComparingTo(String.valueOf(2 * (i + 1)));

    Answer confirmed = first.post("/orders/" + id + "/confirm", "");
    assertThat(confirmed.status()).as("confirm %d: %s", i, confirmed.body()).isEqualTo(200);
    assertThat(confirmed.body().get("status").asText()).isEqualTo("CONFIRMED");
    return id;
  }

  private ConfigurableApplicationContext start(String url, String node) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(OrdersApplication.class)
        .run("--server.port=0",
            "--spring.datasource.url=" + url,
            "--orchestrix.projections.store.properties.table-prefix=" + TABLE_PREFIX,
            "--orchestrix.projections.source.properties.table-prefix=" + TABLE_PREFIX,
            "--orchestrix.projections.partitions=" + PARTITIONS,
            "--orchestrix.projections.node-name=" + node,
            "--orchestrix.projections.lease-time=" + LEASE_TIME.toSeconds() + "s",
            "--orchestrix.projections.read-your-writes-timeout=20s");
    contexts.add(context);
    return context;
  }

  private static OrdersHttp client(ConfigurableApplicationContext context) {
    return new OrdersHttp(context.getEnvironment().getRequiredProperty("local.server.port",
        Integer.class));
  }

  /** Each partition's owner as the instance's projections endpoint shows it. */
  private static Map<Integer, String> owners(OrdersHttp instance) throws Exception {
    Map<Integer, String> owners = new TreeMap<>();
    for (JsonNode partition : get(instance, "/actuator/projections")
        .at("/projections/order-summary/partitions")) {
      owners.put(partition.get("partition").asInt(), partition.get("owner").asText());
    }
    return owners;
  }

  private static JsonNode get(OrdersHttp instance, String path) throws Exception {
    Answer answer = instance.get(path);
    assertThat(answer.status()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
    return answer.body();
  }
}
