package io.orchestrix.projection.kafka;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One topic partition of a projection as this source sees it. Immutable.
 *
 * @param topic the topic
 * @param partition the partition number in the topic
 * @param enginePartition the engine partition that keeps its checkpoint
 * @param assigned whether the consumer group gives it to this source now
 * @param nextOffset the stored checkpoint: the next offset to apply (0 if nothing was applied)
 * @param endOffset the log-end offset last seen, -1 if not known yet
 * @param lastEventTime the time of the last applied event, if any was applied by this source
 * @param stoppedBy why the partition is stopped (a handler failure under the stop policy, lost
 *     records), null while it runs
 */
public record KafkaPartitionStatus(String topic, int partition, int enginePartition, boolean assigned,
    long nextOffset, long endOffset, @Nullable Instant lastEventTime, @Nullable String stoppedBy) {

  /**
   * {@return the records behind the log end: the log-end offset minus the checkpoint, 0 if the end
   * is unknown}
   */
  public long lagEvents() {
    return endOffset < 0 ? 0 : Math.max(0, endOffset - nextOffset);
  }

  /** {@return the time of the last applied event, if any} */
  public Optional<Instant> lastEvent() {
    return Optional.ofNullable(lastEventTime);
  }

  /** {@return whether the partition is stopped, unhealthy, at a record} */
  public boolean stopped() {
    return stoppedBy != null;
  }
}
