package io.orchestrix.projection.kafka;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;
import java.util.Map;

/**
 * The projection's engine is not split into as many partitions as its topics have in all. Engine
 * partition {@code k} is the {@code k}-th topic partition in the order of topic names, then partition
 * numbers, so the counts must agree, and adding partitions to a topic needs a rebuild of the
 * projection. Kind {@link FailureKind#FATAL}: the source stops until it is configured anew.
 */
public final class KafkaPartitionCountException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * A partition count that differs from the engine's.
   *
   * @param projectionId the projection
   * @param enginePartitions the engine's partition count
   * @param topicPartitions each topic's partition count
   */
  public KafkaPartitionCountException(String projectionId, int enginePartitions,
      Map<String, Integer> topicPartitions) {
    super("projection '" + projectionId + "' is split into " + enginePartitions
        + " partitions but its topics have " + topicPartitions.values().stream()
            .mapToInt(Integer::intValue).sum() + " " + topicPartitions
        + "; build the engine with .partitions(" + topicPartitions.values().stream()
            .mapToInt(Integer::intValue).sum() + ") (a changed partition count needs a rebuild)",
        projectionId, null, 0, null);
  }

  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
