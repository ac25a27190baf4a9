package io.orchestrix.projection.kafka.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain kafka-clients producers and consumers of strings for the broker tests. */
final class Clients {

  static final Duration DEADLINE = Duration.ofSeconds(60);

  private Clients() {}

  /** An idempotent producer that waits for every replica (acks=all). */
  static KafkaProducer<String, String> producer(KafkaTestBroker broker) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
        ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEADLINE.toMillis() * 2,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DEADLINE.toMillis() * 2),
        new StringSerializer(), new StringSerializer());
  }

  /** A consumer of a group that starts at the earliest offset and never commits on its own. */
  static KafkaConsumer<String, String> consumer(KafkaTestBroker broker, String group,
      String protocol) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
        ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200),
        new StringDeserializer(), new StringDeserializer());
  }

  /** Sends the values keyed {@code key-<i>} to one partition and waits for each acknowledgement. */
  static void send(KafkaProducer<String, String> producer, String topic, int partition,
      List<String> values) {
    List<Future<?>> acks = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      acks.add(producer.send(new ProducerRecord<>(topic, partition, "key-" + i, values.get(i))));
    }
    for (Future<?> ack : acks) {
      acknowledged(ack);
    }
  }

  static void acknowledged(Future<?> ack) {
    try {
      ack.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("a record was not acknowledged: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Polls until {@code count} records arrived (or fails at the deadline) and returns their values. */
  static List<String> pollValues(KafkaConsumer<String, String> consumer, int count) {
    List<String> values = new ArrayList<>();
    await().atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
        values.add(record.value());
      }
      return values.size() >= count;
    });
    return values;
  }

  /** "prefix-0" .. "prefix-(n-1)". */
  static List<String> values(String prefix, int n) {
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(prefix + "-" + i);
    }
    return values;
  }
}
