package io.orchestrix.projection.kafka;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;

/**
 * The offset a partition's checkpoint points at is no longer in the topic (retention deleted it): the
 * records in between are lost to this projection. The partition stops, unhealthy (kind
 * {@link FailureKind#FATAL}); an operator rebuilds the projection or moves the partition's checkpoint
 * ({@code engine.partition(k).operations().resetTo(offset)}) and restarts the source.
 */
public final class KafkaOffsetOutOfRangeException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * An offset out of the topic's range.
   *
   * @param projectionId the projection
   * @param topic the topic
   * @param partition the topic's partition
   * @param offset the offset to resume from, which the topic no longer holds
   */
  public KafkaOffsetOutOfRangeException(String projectionId, String topic, int partition, long offset) {
    super("projection '" + projectionId + "': offset " + offset + " of " + topic + "-" + partition
        + " is out of the topic's range (deleted by retention?); records were lost to this projection."
        + " Rebuild it, or move the partition's checkpoint and restart the source",
        projectionId, null, offset + 1, null);
  }

  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
