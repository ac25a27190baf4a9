package io.orchestrix.projection.examples.kafka;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the standard workload of N events to a topic ({@link WorkloadRecords}, each order pinned to
 * its partition), and completes an interrupted run: partition p already holding c records is checked
 * to hold the workload's first c records of p (the last one's event id must be the expected one) and
 * only the rest is sent. One idempotent producer with {@code acks=all} keeps each partition's records
 * in order through retries, so an interrupted run leaves a prefix of every partition's share. Every
 * value sent is decoded again and must give the generated event. Stateless.
 */
public final class WorkloadAppender {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private WorkloadAppender() {}

  /**
   * What a run did.
   *
   * @param partitions the topic's partition count
   * @param created whether the topic was created by this run
   * @param alreadyThere the workload's records the topic held before
   * @param sent records sent and acknowledged now
   * @param nanos from the first send to the last acknowledgement, encoding and the check included
   * @param layout where the workload lies in the topic
   */
  public record Appended(int partitions, boolean created, long alreadyThere, long sent, long nanos,
      WorkloadLayout layout) {
    /** Records sent per second. */
    public double eventsPerSecond() {
      return nanos == 0 ? 0 : sent * 1e9 / nanos;
    }
  }

  /**
   * Appends what the topic misses of the workload, creating the topic if needed.
   *
   * @param partitions the topic's partition count; empty to take the existing topic's
   * @throws WorkloadTopicException if the topic cannot be used ({@link WorkloadTopic#ensure}), holds
   *     records that are not the workload's, a send fails, or a value does not decode to its event
   */
  public static Appended append(String bootstrapServers, String topic, OptionalInt partitions,
      StandardWorkload workload) {
    Objects.requireNonNull(workload, "workload must not be null");
    WorkloadTopic.Found found = WorkloadTopic.ensure(bootstrapServers, topic, partitions);
    WorkloadLayout layout = WorkloadLayout.of(workload, found.partitions());
    long[] held = check(bootstrapServers, topic, layout);
    long alreadyThere = 0;
    for (long count : held) {
      alreadyThere += count;
    }
    long started = System.nanoTime();
    long sent = send(bootstrapServers, topic, workload, layout, held);
    return new Appended(found.partitions(), found.created(), alreadyThere, sent,
        System.nanoTime() - started, layout);
  }

  /** Each partition's record count, checked to be a prefix of the workload's share of it. */
  private static long[] check(String bootstrapServers, String topic, WorkloadLayout layout) {
    long[] held = new long[layout.partitions()];
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < layout.partitions(); p++) {
        all.add(new TopicPartition(topic, p));
      }
      Map<TopicPartition, Long> ends = consumer.endOffsets(all, READ_TIMEOUT);
      for (TopicPartition partition : all) {
        long end = ends.get(partition);
        int p = partition.partition();
        if (end > layout.endOffset(p)) {
          throw new WorkloadTopicException("partition " + p + " of topic '" + topic + "' holds " + end
              + " records, more than the " + layout.endOffset(p) + " the workload of "
              + layout.events() + " events puts there: the topic holds something else (a longer"
              + " workload, or other records); use a new topic");
        }
        if (end > 0) {
          String expected = StandardWorkload.eventId(layout.position(p, end - 1));
          String found = lastEventId(consumer, partition, end - 1);
          if (!expected.equals(found)) {
            throw new WorkloadTopicException("the record at offset " + (end - 1) + " of partition " + p
                + " of topic '" + topic + "' has event id " + found + ", not the workload's "
                + expected + " (N = " + layout.events() + "): the topic holds another workload; use a"
                + " new topic or that run's --events");
          }
        }
        held[p] = end;
      }
    } catch (KafkaException e) {
      throw new WorkloadTopicException("reading the end offsets of topic '" + topic + "' at "
          + bootstrapServers + " failed: " + e.getMessage(), e);
    }
    return held;
  }

  private static String lastEventId(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition,
      long offset) {
    consumer.assign(List.of(partition));
    consumer.seek(partition, offset);
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))
          .records(partition)) {
        if (record.offset() == offset) {
          String id = WorkloadRecords.eventId(record);
          return id == null ? "(none)" : id;
        }
      }
    }
    throw new WorkloadTopicException("the record at offset " + offset + " of " + partition
        + " could not be read within " + READ_TIMEOUT.toSeconds() + " s");
  }

  private static long send(String bootstrapServers, String topic, StandardWorkload workload,
      WorkloadLayout layout, long[] held) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    long[] seen = new long[layout.partitions()];
    long sent = 0;
    try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
      for (EventEnvelope<WorkloadEvent> envelope : workload) {
        WorkloadEvent event = envelope.payload();
        int p = WorkloadRecords.partition(event.orderId(), layout.partitions());
        if (seen[p]++ < held[p]) {
          continue;
        }
        byte[] json = WorkloadRecords.encode(event);
        WorkloadEvent written = WorkloadRecords.decode(WorkloadRecords.type(event), json);
        if (!written.canonical().equals(event.canonical())) {
          throw new WorkloadTopicException("the JSON of event " + envelope.position() + " decodes to "
              + written.canonical() + ", not " + event.canonical());
        }
        producer.send(WorkloadRecords.record(topic, layout.partitions(), envelope, json),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
        sent++;
        if (failure.get() != null) {
          break;
        }
      }
      producer.flush();
    } catch (KafkaException e) {
      throw new WorkloadTopicException("sending to topic '" + topic + "' at " + bootstrapServers
          + " failed: " + e.getMessage(), e);
    }
    if (failure.get() != null) {
      throw new WorkloadTopicException("a send to topic '" + topic + "' failed (run the same command"
          + " again to complete it): " + failure.get().getMessage(), failure.get());
    }
    return sent;
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) READ_TIMEOUT.toMillis());
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
