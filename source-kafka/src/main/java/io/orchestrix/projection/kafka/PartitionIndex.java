package io.orchestrix.projection.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Engine partition numbers of topic partitions: the topics sorted by name, each one's partitions in
 * order, numbered from 0. Immutable and thread-safe.
 */
final class PartitionIndex {

  private final Map<String, Integer> counts;
  private final List<TopicPartition> partitions;
  private final Map<TopicPartition, Integer> index;

  public PartitionIndex(Map<String, Integer> partitionCounts) {
    this.counts = Map.copyOf(new TreeMap<>(partitionCounts));
    List<TopicPartition> all = new ArrayList<>();
    new TreeMap<>(partitionCounts).forEach((topic, count) -> {
      for (int p = 0; p < count; p++) {
        all.add(new TopicPartition(topic, p));
      }
    });
    this.partitions = List.copyOf(all);
    Map<TopicPartition, Integer> byPartition = new HashMap<>();
    for (int k = 0; k < all.size(); k++) {
      byPartition.put(all.get(k), k);
    }
    this.index = Map.copyOf(byPartition);
  }

  /** How many topic partitions there are. */
  public int size() {
    return partitions.size();
  }

  /** The partition count of each topic, sorted by topic. */
  public Map<String, Integer> counts() {
    return new TreeMap<>(counts);
  }

  /** Every topic partition, in engine-partition order. */
  public List<TopicPartition> partitions() {
    return partitions;
  }

  /**
   * The engine partition of a topic partition.
   *
   * @throws IllegalArgumentException if the topic partition is not one of these
   */
  public int of(TopicPartition partition) {
    Integer k = index.get(partition);
    if (k == null) {
      throw new IllegalArgumentException(partition + " is not one of the followed partitions " + counts);
    }
    return k;
  }
}
