package io.orchestrix.projection.kafka;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.kafka.KafkaSourceStatus.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each partition the group assigned to a Kafka source stands: active (its writer claimed and
 * the consumer at its stored checkpoint, so its records are applied), waiting for a (new) claim with
 * when to try and how often it failed, or stopped at a record; and each partition's epoch, which
 * changes whenever it is claimed or released, so that the outcome of a batch begun before is known to
 * be stale. A partition leaving the active ones loses its buffered records.
 *
 * <p>Not thread-safe: only the polling thread of the {@link ConsumerLoop} uses it, as it alone
 * touches the consumer.
 */
final class PartitionClaims {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionClaims.class);

  private final KafkaSourceConfig config;
  private final ProjectionEngine engine;
  private final Consumer<byte[], byte[]> consumer;
  private final PartitionTracker tracker;
  private final Buffers buffers;
  private final Supplier<PartitionIndex> index;
  /** Partitions assigned here and claimed: their records are applied. */
  private final Set<TopicPartition> active = new HashSet<>();
  /** Partitions assigned here that wait for a (new) claim, with when to try and how often it failed. */
  private final Map<TopicPartition, Retry> pendingClaims = new HashMap<>();
  /** Partitions assigned here that are stopped at a record. */
  private final Set<TopicPartition> stopped = new HashSet<>();
  private final Map<TopicPartition, Long> epochs = new HashMap<>();
  private long epoch;

  private record Retry(long atNanos, int failures) {}

  /** @param index the topics' partition index, once the loop has found it */
  PartitionClaims(KafkaSourceConfig config, Consumer<byte[], byte[]> consumer,
      PartitionTracker tracker, Buffers buffers, Supplier<PartitionIndex> index) {
    this.config = config;
    this.engine = config.engine();
    this.consumer = consumer;
    this.tracker = tracker;
    this.buffers = buffers;
    this.index = index;
  }

  boolean isActive(TopicPartition partition) {
    return active.contains(partition);
  }

  /** Whether the partition is active in the given epoch: a batch begun then is still its own. */
  boolean isCurrent(TopicPartition partition, long batchEpoch) {
    return active.contains(partition) && epoch(partition) == batchEpoch;
  }

  long epoch(TopicPartition partition) {
    return epochs.getOrDefault(partition, 0L);
  }

  boolean hasPending() {
    return !pendingClaims.isEmpty();
  }

  /** The group gave the partition here: it is claimed now. */
  void assigned(TopicPartition partition) {
    tracker.assigned(partition, true);
    stopped.remove(partition);
    claim(partition, 0);
  }

  /** The group took the partition away (revoked or lost): it is forgotten here. */
  void released(TopicPartition partition) {
    active.remove(partition);
    pendingClaims.remove(partition);
    stopped.remove(partition);
    buffers.drop(partition);
    epochs.put(partition, ++epoch);
    tracker.assigned(partition, false);
  }

  /** The consumer has no position for the partition: it is claimed on the next step. */
  void claimSoon(TopicPartition partition) {
    pendingClaims.putIfAbsent(partition, new Retry(0, 0));
  }

  /** Claims every waiting partition whose time has come. */
  void claimDue(long now) {
    for (Map.Entry<TopicPartition, Retry> pending : new ArrayList<>(pendingClaims.entrySet())) {
      if (pending.getValue().atNanos() <= now) {
        claim(pending.getKey(), pending.getValue().failures());
      }
    }
  }

  /** Stops the partition at a record: it stays assigned, and nothing more of it is applied. */
  void stop(TopicPartition partition, RuntimeException failure) {
    LOG.warn("projection '{}': {} stopped: {}", config.projectionId(), partition, failure.getMessage());
    active.remove(partition);
    buffers.drop(partition);
    stopped.add(partition);
    tracker.stopped(partition, failure.getMessage() == null ? failure.toString() : failure.getMessage());
  }

  /** Drops the partition's buffered records and claims it again after the outage backoff. */
  void reclaimLater(TopicPartition partition, int failures) {
    active.remove(partition);
    buffers.drop(partition);
    pendingClaims.put(partition,
        new Retry(System.nanoTime() + config.outageBackoff().delay(failures).toNanos(), failures));
  }

  /**
   * Claims the partition's writer (fencing any earlier owner's in-flight commit), reads the stored
   * checkpoint now and seeks to it; on a store failure tries again later, the partition paused.
   */
  private void claim(TopicPartition partition, int failures) {
    try {
      ProjectionState state = engine.partition(index.get().of(partition)).claim();
      pendingClaims.remove(partition);
      epochs.put(partition, ++epoch);
      long next = state.lastProcessedPosition();
      if (next == 0) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seek(partition, next);
      }
      tracker.checkpoint(partition, next, null);
      if (!state.healthy()) {
        LOG.info("projection '{}': {} is stopped at a failed record; it resumes when that record is"
            + " applied", config.projectionId(), partition);
      }
      active.add(partition);
    } catch (ProjectionException e) {
      LOG.warn("projection '{}': cannot claim {}: {}", config.projectionId(), partition, e.getMessage());
      tracker.state(State.RUNNING, e);
      consumer.seekToBeginning(List.of(partition));
      reclaimLater(partition, failures + 1);
    }
  }
}
