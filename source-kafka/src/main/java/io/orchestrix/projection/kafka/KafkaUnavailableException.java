package io.orchestrix.projection.kafka;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;
import org.jspecify.annotations.Nullable;

/**
 * The Kafka cluster did not answer in time (down, unreachable, or restarting). The source reports it
 * in its status and keeps trying; nothing is lost, since offsets live in the projection store (kind
 * {@link FailureKind#TRANSIENT}).
 */
public final class KafkaUnavailableException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /**
   * An unreachable cluster.
   *
   * @param projectionId the projection
   * @param bootstrapServers the cluster
   * @param doing what the source was doing, for the message ("polling")
   * @param cause the client's exception, or null
   */
  public KafkaUnavailableException(String projectionId, String bootstrapServers, String doing,
      @Nullable Throwable cause) {
    super("projection '" + projectionId + "': the Kafka cluster at " + bootstrapServers
        + " did not answer while " + doing + (cause == null ? "" : " (" + cause + ")")
        + "; the source keeps trying", projectionId, null, 0, cause);
  }

  @Override
  public FailureKind kind() {
    return FailureKind.TRANSIENT;
  }
}
