package io.orchestrix.projection.kafka;

import io.orchestrix.projection.kafka.KafkaSourceStatus.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Finds the followed topics' partition counts, reporting a missing topic or a cluster that does not
 * answer in the tracker and looking again with backoff. Used by the polling thread only.
 */
final class TopicLookup {

  static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaSourceConfig config;
  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
  private final PartitionTracker tracker;

  TopicLookup(KafkaSourceConfig config, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      PartitionTracker tracker) {
    this.config = config;
    this.consumer = consumer;
    this.tracker = tracker;
  }

  /** The partitions of every topic once all exist, or null if the source stopped before. */
  @Nullable PartitionIndex find(BooleanSupplier running, Consumer<Duration> pause) {
    int failures = 0;
    while (running.getAsBoolean()) {
      try {
        Map<String, Integer> counts = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String topic : config.topics()) {
          List<PartitionInfo> infos = consumer.partitionsFor(topic, LOOKUP_TIMEOUT);
          if (infos == null || infos.isEmpty()) {
            missing.add(topic);
          } else {
            counts.put(topic, infos.size());
          }
        }
        if (missing.isEmpty()) {
          return new PartitionIndex(counts);
        }
        tracker.state(State.WAITING_FOR_TOPIC, new KafkaTopicNotFoundException(
            config.projectionId(), missing, config.bootstrapServers()));
      } catch (TimeoutException e) {
        tracker.state(State.UNAVAILABLE, new KafkaUnavailableException(config.projectionId(),
            config.bootstrapServers(), "looking up topics " + config.topics(), e));
      }
      pause.accept(config.outageBackoff().delay(++failures));
    }
    return null;
  }
}
