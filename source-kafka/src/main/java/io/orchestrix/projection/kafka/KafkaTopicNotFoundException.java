package io.orchestrix.projection.kafka;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;
import java.util.List;

/**
 * A topic the source follows does not exist on the cluster. The source reports it in its status and
 * looks again with backoff, so it starts once the topic is created (kind {@link FailureKind#TRANSIENT}).
 */
public final class KafkaTopicNotFoundException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The missing topics. */
  private final List<String> topics;

  /**
   * Missing topics.
   *
   * @param projectionId the projection
   * @param topics the missing topics
   * @param bootstrapServers the cluster, for the message
   */
  public KafkaTopicNotFoundException(String projectionId, List<String> topics, String bootstrapServers) {
    super("projection '" + projectionId + "' follows " + (topics.size() == 1 ? "topic " : "topics ")
        + topics + " that " + (topics.size() == 1 ? "does" : "do") + " not exist on " + bootstrapServers
        + "; create " + (topics.size() == 1 ? "it" : "them") + " (the source looks again with backoff)",
        projectionId, null, 0, null);
    this.topics = List.copyOf(topics);
  }

  /** {@return the missing topics} */
  public List<String> topics() {
    return topics;
  }

  @Override
  public FailureKind kind() {
    return FailureKind.TRANSIENT;
  }
}
