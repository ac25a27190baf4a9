package io.orchestrix.projection.kafka;

import io.orchestrix.projection.ProjectionException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link KafkaProjectionSource}. Immutable.
 *
 * @param projectionId the projection
 * @param state what the source is doing
 * @param lastError the last failure of the source itself (missing topic, unreachable cluster, store
 *     outage, wrong partition count), null once it recovered
 * @param partitions every topic partition known, in engine-partition order
 */
public record KafkaSourceStatus(String projectionId, State state, @Nullable ProjectionException lastError,
    List<KafkaPartitionStatus> partitions) {

  /** What a source is doing. */
  public enum State {
    /** Not started, or looking up its topics. */
    STARTING,
    /** A topic is missing; the source looks again with backoff. */
    WAITING_FOR_TOPIC,
    /** The cluster does not answer; the source keeps trying. */
    UNAVAILABLE,
    /** Following its partitions. */
    RUNNING,
    /** Stopped for good by a failure that needs an operator (see {@code lastError}). */
    FAILED,
    /** Stopped by {@link KafkaProjectionSource#stop()}. */
    STOPPED
  }

  /**
   * Copies the partitions.
   *
   * @param projectionId the projection the source feeds
   * @param state what the source is doing
   * @param lastError the last failure of the source itself, or null
   * @param partitions every topic partition known; copied
   */
  public KafkaSourceStatus {
    partitions = List.copyOf(partitions);
  }

  /** {@return the last failure of the source itself, if it has not recovered from it} */
  public Optional<ProjectionException> error() {
    return Optional.ofNullable(lastError);
  }

  /** {@return the records behind the log ends, over the partitions assigned here} */
  public long lagEvents() {
    return partitions.stream().filter(KafkaPartitionStatus::assigned)
        .mapToLong(KafkaPartitionStatus::lagEvents).sum();
  }

  /** {@return whether the source runs and none of its assigned partitions is stopped} */
  public boolean healthy() {
    return state == State.RUNNING
        && partitions.stream().noneMatch(p -> p.assigned() && p.stopped());
  }
}
