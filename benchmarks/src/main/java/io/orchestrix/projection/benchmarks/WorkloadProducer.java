package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the standard workload of N events to a topic as fast as one producer can
 * ({@link WorkloadRecords}: key = order id, JSON value, type header): idempotent, {@code acks=all},
 * large batches that linger a few milliseconds, lz4. It proves that what it writes is the
 * fingerprinted stream: every value is decoded again and the fingerprint of the decoded events must
 * equal the generated stream's (and, for the N that {@code WORKLOAD.md} lists, the published one).
 * Stateless.
 */
final class WorkloadProducer {

  /** The fingerprints {@code WORKLOAD.md} publishes, by N. */
  static final Map<Integer, String> PUBLISHED_FINGERPRINTS =
      Map.of(50_000, "05e32c561e5f664e", 200_000, "37416183a0a49cb4");

  private WorkloadProducer() {}

  /**
   * What a run wrote.
   *
   * @param events records acknowledged
   * @param nanos from the first send to the last acknowledgement, encoding and the check included
   * @param fingerprint the fingerprint of the events decoded from the values written
   */
  record Result(long events, long nanos, String fingerprint) {
    double eventsPerSecond() {
      return nanos == 0 ? 0 : events * 1e9 / nanos;
    }
  }

  /**
   * Produces the workload and waits for every acknowledgement.
   *
   * @throws IllegalStateException if a send failed or the fingerprints differ
   */
  static Result produce(String bootstrapServers, String topic, int events) {
    StandardWorkload workload = StandardWorkload.of(events);
    Fingerprint generated = new Fingerprint();
    Fingerprint written = new Fingerprint();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long started = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 10,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        new StringSerializer(), new ByteArraySerializer())) {
      for (EventEnvelope<WorkloadEvent> envelope : workload) {
        WorkloadEvent event = envelope.payload();
        byte[] json = WorkloadRecords.encode(event);
        generated.add(event);
        written.add(WorkloadRecords.decode(WorkloadRecords.type(event), json));
        producer.send(WorkloadRecords.record(topic, event, json), (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
      }
      producer.flush();
    }
    long nanos = System.nanoTime() - started;
    if (failure.get() != null) {
      throw new IllegalStateException("a send to " + topic + " failed: " + failure.get(), failure.get());
    }
    if (written.value() != generated.value()) {
      throw new IllegalStateException("the records' fingerprint " + written.hex()
          + " differs from the generated stream's " + generated.hex());
    }
    Optional<String> published = Optional.ofNullable(PUBLISHED_FINGERPRINTS.get(events));
    if (published.isPresent() && !published.get().equals(written.hex())) {
      throw new IllegalStateException("the records' fingerprint " + written.hex()
          + " differs from WORKLOAD.md's " + published.get() + " for N = " + events);
    }
    return new Result(events, nanos, written.hex());
  }
}
