package io.orchestrix.projection.examples.kafka;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import java.util.Arrays;

/**
 * Where the standard workload of N events lies in a topic of K partitions that {@link WorkloadAppender}
 * wrote: each partition holds the events of its orders ({@link WorkloadRecords#partition}) in stream
 * order from offset 0, so the record at offset o of partition p is the workload's event at
 * {@link #position(int, long)}, and the workload is wholly in the topic, and wholly applied by a
 * projection, once every partition reaches its {@link #endOffset(int)}. Immutable and thread-safe.
 */
public final class WorkloadLayout {

  private final int events;
  private final int[][] positions;

  private WorkloadLayout(int events, int[][] positions) {
    this.events = events;
    this.positions = positions;
  }

  /**
   * The layout of a workload over {@code partitions} partitions (generates the stream once).
   *
   * @throws IllegalArgumentException if {@code partitions} is not positive
   */
  public static WorkloadLayout of(StandardWorkload workload, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive but was " + partitions);
    }
    int[][] positions = new int[partitions][workload.events() / partitions + 16];
    int[] sizes = new int[partitions];
    for (EventEnvelope<WorkloadEvent> envelope : workload) {
      int p = WorkloadRecords.partition(envelope.payload().orderId(), partitions);
      if (sizes[p] == positions[p].length) {
        positions[p] = Arrays.copyOf(positions[p], positions[p].length * 2);
      }
      positions[p][sizes[p]++] = (int) envelope.position();
    }
    for (int p = 0; p < partitions; p++) {
      positions[p] = Arrays.copyOf(positions[p], sizes[p]);
    }
    return new WorkloadLayout(workload.events(), positions);
  }

  /** N, the workload's events. */
  public int events() {
    return events;
  }

  /** K, the topic's partitions. */
  public int partitions() {
    return positions.length;
  }

  /** How many of the workload's records partition p holds when the workload is written: its end offset. */
  public long endOffset(int partition) {
    return positions[checked(partition)].length;
  }

  /**
   * The workload position (1 to N) of the record at an offset of a partition.
   *
   * @throws IllegalArgumentException if the offset is not 0 to {@link #endOffset} - 1
   */
  public long position(int partition, long offset) {
    int[] of = positions[checked(partition)];
    if (offset < 0 || offset >= of.length) {
      throw new IllegalArgumentException("offset must be 0 to " + (of.length - 1) + " in partition "
          + partition + " but was " + offset);
    }
    return of[(int) offset];
  }

  private int checked(int partition) {
    if (partition < 0 || partition >= positions.length) {
      throw new IllegalArgumentException("partition must be 0 to " + (positions.length - 1)
          + " but was " + partition);
    }
    return partition;
  }

  @Override
  public String toString() {
    long[] ends = new long[positions.length];
    Arrays.setAll(ends, p -> positions[p].length);
    return "WorkloadLayout[" + events + " events, end offsets " + Arrays.toString(ends) + "]";
  }
}
