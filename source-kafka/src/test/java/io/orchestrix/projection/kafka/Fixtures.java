package io.orchestrix.projection.kafka;

import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.spi.ProjectionStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The counting read model, its events on Kafka, and sources built the tests' way. */
final class Fixtures {

  static final Duration DEADLINE = Duration.ofSeconds(60);
  static final int ORDERS = 20;

  private Fixtures() {}

  record Added(String order, long amount) {}

  /** How many events of an order were applied, and their amounts' sum: twice or never shows. */
  record Tally(String order, long count, long total) {}

  static final ReadModel<Tally> TALLY = ReadModel.builder("tally", Tally.class).id(Tally::order).build();

  static final EventTypes TYPES = EventTypes.builder().register("Added", Added.class).build();

  static ProjectionEngine engine(ProjectionStore store, String id, int partitions) {
    ProjectionEngine engine = Projections.engine(id).store(store).readModel(TALLY)
        .partitions(partitions).build();
    engine.on(Added.class, (Added e, HandlerContext c) -> {
      ReadModelRepository<Tally> tallies = c.readModel(TALLY);
      Tally before = tallies.findById(e.order()).orElse(new Tally(e.order(), 0, 0));
      tallies.save(new Tally(e.order(), before.count() + 1, before.total() + e.amount()));
    });
    return engine;
  }

  static KafkaSourceBuilder source(ProjectionEngine engine, String bootstrap, String... topics) {
    return KafkaProjectionSource.builder(engine).bootstrapServers(bootstrap).topics(topics)
        .eventTypes(TYPES).maxLatency(Duration.ofMillis(20))
        .consumerProperty("reconnect.backoff.max.ms", 200)
        .consumerProperty("retry.backoff.max.ms", 200);
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        // an embedded broker may answer NOT_LEADER just after a topic is created, and an idempotent
        // producer then stalls on sequence numbers; one request in flight keeps the order instead
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
        ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEADLINE.toMillis() * 2,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DEADLINE.toMillis() * 2),
        new StringSerializer(), new ByteArraySerializer());
  }

  /** The event numbered {@code i}: order {@code order-(i mod 20)}, amount i. */
  static ProducerRecord<String, byte[]> added(String topic, long i) {
    String order = "order-" + (i % ORDERS);
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, order,
        ("{\"order\":\"" + order + "\",\"amount\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    record.headers().add("event-type", "Added".getBytes(StandardCharsets.UTF_8));
    return record;
  }

  /** Sends events {@code from} to {@code to - 1} and waits for every acknowledgement. */
  static void sendAdded(KafkaProducer<String, byte[]> producer, String topic, long from, long to) {
    List<Future<?>> acks = new ArrayList<>();
    for (long i = from; i < to; i++) {
      acks.add(producer.send(added(topic, i)));
    }
    acks.forEach(Fixtures::acknowledged);
  }

  static void acknowledged(Future<?> ack) {
    try {
      ack.get(DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("a record was not acknowledged: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The tallies events 0 to n - 1 give, each applied once. */
  static Map<String, Tally> expected(long n) {
    Map<String, Tally> tallies = new TreeMap<>();
    for (long i = 0; i < n; i++) {
      String order = "order-" + (i % ORDERS);
      Tally before = tallies.getOrDefault(order, new Tally(order, 0, 0));
      tallies.put(order, new Tally(order, before.count() + 1, before.total() + i));
    }
    return tallies;
  }

  static Map<String, Tally> tallies(ProjectionEngine engine) {
    return engine.readModel(TALLY).streamAll()
        .collect(Collectors.toMap(Tally::order, t -> t, (a, b) -> a, TreeMap::new));
  }

  static long applied(ProjectionEngine engine) {
    return engine.readModel(TALLY).streamAll().mapToLong(Tally::count).sum();
  }

  /** Waits until n events were applied in all. */
  static void awaitApplied(ProjectionEngine engine, long n) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(applied(engine))
            .as("events applied").isEqualTo(n));
  }
}
