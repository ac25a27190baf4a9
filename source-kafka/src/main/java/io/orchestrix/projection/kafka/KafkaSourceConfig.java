package io.orchestrix.projection.kafka;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.ProjectionEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Kafka source's checked configuration. Immutable (the engine aside).
 *
 * @param engine the projection, split into as many partitions as the topics have
 * @param bootstrapServers the cluster
 * @param topics the topics, sorted by name
 * @param groupId the consumer group
 * @param batchSize most records per partition in one batch
 * @param maxLatency longest a polled record waits for its batch to fill while the worker is idle
 * @param decoder how values become payloads
 * @param mapping where ids, stream, time and type come from
 * @param consumerProperties the consumer's properties, the source's own included
 * @param outageBackoff the waits between attempts while the store or cluster is out
 * @param revokeTimeout how long a revocation waits for the in-flight batch of its partitions
 * @param workers how many partitions' batches are applied at once
 */
record KafkaSourceConfig(ProjectionEngine engine, String bootstrapServers, List<String> topics,
    String groupId, int batchSize, Duration maxLatency, PayloadDecoder decoder, RecordMapping mapping,
    Map<String, Object> consumerProperties, Backoff outageBackoff, Duration revokeTimeout, int workers) {

  public KafkaSourceConfig {
    topics = List.copyOf(topics);
    consumerProperties = Map.copyOf(consumerProperties);
  }

  /** The projection's id. */
  public String projectionId() {
    return engine.projectionId();
  }
}
