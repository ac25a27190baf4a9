package io.orchestrix.projection.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Records polled and not yet handed to the worker, per partition, with when the oldest arrived. Used
 * by the polling thread only: not thread-safe.
 */
final class Buffers {

  private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
  private final Map<TopicPartition, Long> oldestNanos = new HashMap<>();

  void add(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> polled, long nowNanos) {
    if (polled.isEmpty()) {
      return;
    }
    records.computeIfAbsent(partition, p -> new ArrayDeque<>()).addAll(polled);
    oldestNanos.putIfAbsent(partition, nowNanos);
  }

  int size(TopicPartition partition) {
    ArrayDeque<ConsumerRecord<byte[], byte[]>> buffered = records.get(partition);
    return buffered == null ? 0 : buffered.size();
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  Collection<TopicPartition> partitions() {
    return List.copyOf(records.keySet());
  }

  /** When the oldest buffered record of any partition arrived, or {@code Long.MAX_VALUE} if none. */
  long oldestNanos() {
    return oldestNanos.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
  }

  /** Takes up to {@code limit} of a partition's records, oldest first. */
  List<ConsumerRecord<byte[], byte[]>> take(TopicPartition partition, int limit, long nowNanos) {
    ArrayDeque<ConsumerRecord<byte[], byte[]>> buffered = records.get(partition);
    List<ConsumerRecord<byte[], byte[]>> taken = new ArrayList<>(Math.min(limit, size(partition)));
    while (buffered != null && !buffered.isEmpty() && taken.size() < limit) {
      taken.add(buffered.poll());
    }
    if (buffered == null || buffered.isEmpty()) {
      drop(partition);
    } else {
      oldestNanos.put(partition, nowNanos);
    }
    return taken;
  }

  void drop(TopicPartition partition) {
    records.remove(partition);
    oldestNanos.remove(partition);
  }
}
