package io.orchestrix.projection.kafka;

import io.orchestrix.projection.ProjectionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * What a source knows of its partitions and of itself, written by its loop and read by any thread
 * (status, awaitPosition). Thread-safe: one monitor.
 */
final class PartitionTracker {

  private final String projectionId;
  private KafkaSourceStatus.State state = KafkaSourceStatus.State.STARTING;
  private @Nullable ProjectionException lastError;
  private @Nullable PartitionIndex index;
  private final Map<TopicPartition, KafkaPartitionStatus> partitions = new HashMap<>();

  public PartitionTracker(String projectionId) {
    this.projectionId = projectionId;
  }

  public synchronized void state(KafkaSourceStatus.State newState, @Nullable ProjectionException error) {
    state = newState;
    lastError = error;
    notifyAll();
  }

  public synchronized KafkaSourceStatus.State state() {
    return state;
  }

  /** The source found its topics: every partition is known, none assigned yet. */
  public synchronized void partitions(PartitionIndex partitionIndex) {
    index = partitionIndex;
    for (TopicPartition partition : partitionIndex.partitions()) {
      partitions.putIfAbsent(partition, new KafkaPartitionStatus(partition.topic(),
          partition.partition(), partitionIndex.of(partition), false, 0, -1, null, null));
    }
  }

  public synchronized void assigned(TopicPartition partition, boolean assigned) {
    update(partition, s -> new KafkaPartitionStatus(s.topic(), s.partition(), s.enginePartition(),
        assigned, s.nextOffset(), s.endOffset(), s.lastEventTime(), assigned ? null : s.stoppedBy()));
  }

  /** The partition's checkpoint as stored (after a claim) or committed. */
  public synchronized void checkpoint(TopicPartition partition, long nextOffset,
      @Nullable Instant lastEventTime) {
    update(partition, s -> new KafkaPartitionStatus(s.topic(), s.partition(), s.enginePartition(),
        s.assigned(), nextOffset, Math.max(s.endOffset(), s.endOffset() < 0 ? -1 : nextOffset),
        lastEventTime != null ? lastEventTime : s.lastEventTime(), s.stoppedBy()));
  }

  public synchronized void endOffset(TopicPartition partition, long endOffset) {
    update(partition, s -> new KafkaPartitionStatus(s.topic(), s.partition(), s.enginePartition(),
        s.assigned(), s.nextOffset(), endOffset, s.lastEventTime(), s.stoppedBy()));
  }

  public synchronized void stopped(TopicPartition partition, String why) {
    update(partition, s -> new KafkaPartitionStatus(s.topic(), s.partition(), s.enginePartition(),
        s.assigned(), s.nextOffset(), s.endOffset(), s.lastEventTime(), why));
  }

  private void update(TopicPartition partition,
      java.util.function.UnaryOperator<KafkaPartitionStatus> change) {
    KafkaPartitionStatus current = partitions.get(partition);
    if (current != null) {
      partitions.put(partition, change.apply(current));
      notifyAll();
    }
  }

  public synchronized KafkaSourceStatus status() {
    List<KafkaPartitionStatus> all = new ArrayList<>(partitions.values());
    all.sort(java.util.Comparator.comparingInt(KafkaPartitionStatus::enginePartition));
    return new KafkaSourceStatus(projectionId, state, lastError, all);
  }

  /**
   * Waits until the record at {@code offset} of a partition is applied (its checkpoint is past it).
   *
   * @return whether it was within the timeout
   */
  public synchronized boolean awaitApplied(TopicPartition partition, long offset, long timeoutNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      KafkaPartitionStatus status = partitions.get(partition);
      if (status != null && status.nextOffset() > offset) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Whether the topic partition is one this source follows; null until the topics were found. */
  public synchronized @Nullable PartitionIndex index() {
    return index;
  }
}
