package io.orchestrix.projection.kafka;

import io.orchestrix.projection.ProjectionEngine;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Feeds a projection from Kafka topics, with exactly-once effect on its read models.
 *
 * <pre>{@code
 * ProjectionEngine engine = Projections.engine("order-summary").store(store).readModel(ORDERS)
 *     .partitions(12)                      // the topics' partitions in all
 *     .build();
 * KafkaProjectionSource source = KafkaProjectionSource.builder(engine)
 *     .bootstrapServers("kafka:9092").topics("orders")
 *     .eventTypes(EventTypes.builder().register(OrderPlaced.class).build())
 *     .build();
 * source.start();
 * }</pre>
 *
 * <h2>Delivery guarantee</h2>
 * Each topic partition is an engine partition ({@link ProjectionEngine#partition}): the topics sorted by
 * name, each one's partitions in order, numbered from 0; the engine must be split into that many
 * partitions. A record's position is its offset plus 1, so a partition's checkpoint is the next offset
 * to read, and it is committed by the store in the same atomic commit as the read-model changes and
 * dead letters of its batch. Kafka's committed offsets are neither written nor read. Ownership comes
 * from the consumer group ({@code group.id}, the projection id by default): on assignment the source
 * claims the partition's writer ({@link ProjectionEngine#claim()}) before it reads the stored checkpoint
 * and seeks to it, so a batch still in flight at a previous owner is refused by the store's fencing
 * whatever that owner believes. After a crash anywhere, the next owner resumes from the stored
 * checkpoint: nothing is applied twice or lost. Handlers' effects outside read models are
 * at-least-once.
 *
 * <h2>Records</h2>
 * Values are decoded by the {@link PayloadDecoder} (JSON through {@code EventTypes} by default) with
 * the type name, id, stream and time the {@link RecordMapping} finds. A value that cannot be decoded
 * becomes an {@link UndecodableRecord} whose handling is the engine's failure policy's (stop,
 * retry, dead-letter with topic, partition, offset and raw bytes): never skipped silently. A tombstone
 * (null value) becomes a {@link Tombstone}: skipped, checkpoint moved, unless a handler takes it.
 * Transaction markers occupy offsets but never reach handlers; transactional records are read
 * committed.
 *
 * <h2>Threading and liveness</h2>
 * One thread polls and alone touches the consumer; worker threads apply batches (up to
 * {@code batchSize} records per partition, started once a batch is full or its oldest record waited
 * {@code maxLatency}), the shares of up to {@code workers} partitions at once, each committed on its
 * own. While the worker is busy, or a partition's store is out, the partitions are
 * paused and polling goes on, so {@code max.poll.interval.ms} is never exceeded by a slow batch.
 * {@link #start()}, {@link #stop()}, {@link #status()} and {@link #awaitPosition} are thread-safe.
 *
 * <h2>Failures</h2>
 * A missing topic ({@link KafkaTopicNotFoundException}) or an unreachable cluster
 * ({@link KafkaUnavailableException}) shows in {@link #status()} and is retried with backoff until it
 * clears; a store outage stops the partition's batches, which are read again from the stored
 * checkpoint once the store answers; a partition count that does not match the engine
 * ({@link KafkaPartitionCountException}) stops the source, {@link KafkaSourceStatus.State#FAILED}.
 */
public final class KafkaProjectionSource implements AutoCloseable {

  private final KafkaSourceConfig config;
  private final PartitionTracker tracker;
  private @Nullable ConsumerLoop loop;
  private @Nullable Thread thread;

  KafkaProjectionSource(KafkaSourceConfig config) {
    this.config = config;
    this.tracker = new PartitionTracker(config.projectionId());
  }

  /**
   * Starts building a source for an engine. The builder registers the source's handler of
   * {@link UndecodableRecord} on the engine when it builds.
   *
   * @param engine the engine the source feeds; not null
   * @return the builder
   */
  public static KafkaSourceBuilder builder(ProjectionEngine engine) {
    return new KafkaSourceBuilder(engine);
  }

  /** {@return the id of the projection this source feeds} */
  public String projectionId() {
    return config.projectionId();
  }

  /**
   * Starts the polling thread and returns at once; what follows shows in {@link #status()}.
   *
   * @throws IllegalStateException if the source was started before
   */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("the Kafka source of projection '" + projectionId()
          + "' was started before; build a new one to start again");
    }
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerProperties(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    ConsumerLoop started = new ConsumerLoop(config, consumer, tracker);
    loop = started;
    thread = new Thread(started, "kafka-source-" + projectionId());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops polling, lets the batch in flight commit or fail as a whole (up to the revoke timeout),
   * leaves the group and returns once the polling thread ended or 30 s passed. Idempotent.
   */
  public synchronized void stop() {
    if (loop != null && thread != null) {
      loop.stop();
      try {
        thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * {@return what the source is doing, with each topic partition's checkpoint, end offset and lag}
   */
  public KafkaSourceStatus status() {
    return tracker.status();
  }

  /**
   * Waits until this source has applied the record at {@code offset} of a topic partition (its
   * stored checkpoint is past it), so that a command side can read its own write. Only progress made
   * or claimed by this source counts.
   *
   * @param topic the topic; not null
   * @param partition the topic's partition
   * @param offset the record's offset, 0 or more
   * @param timeout the longest wait; not null
   * @return true if it was applied within the timeout
   * @throws IllegalArgumentException if the offset is negative
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitPosition(String topic, int partition, long offset, Duration timeout)
      throws InterruptedException {
    Objects.requireNonNull(topic, "topic must not be null");
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative but was " + offset);
    }
    return tracker.awaitApplied(new TopicPartition(topic, partition), offset, timeout.toNanos());
  }

  @Override
  public String toString() {
    return "KafkaProjectionSource[" + projectionId() + " on " + config.topics() + " at "
        + config.bootstrapServers() + "]";
  }
}
