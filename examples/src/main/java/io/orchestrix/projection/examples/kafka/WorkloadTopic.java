package io.orchestrix.projection.examples.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Finds or creates the workload's topic. Stateless; each call opens and closes its own admin client.
 */
public final class WorkloadTopic {

  /** The longest a call waits for the cluster. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private WorkloadTopic() {}

  /**
   * The topic's partition count.
   *
   * @throws WorkloadTopicException if the topic does not exist or the cluster does not answer
   */
  public static int partitionCount(String bootstrapServers, String topic) {
    try (Admin admin = admin(bootstrapServers)) {
      return describe(admin, bootstrapServers, topic)
          .orElseThrow(() -> new WorkloadTopicException("topic '" + topic + "' does not exist at "
              + bootstrapServers + "; append the workload to it first (append --kafka ... --topic "
              + topic + " --topic-partitions K)"))
          .partitions().size();
    }
  }

  /**
   * The topic's partition count, creating the topic with {@code partitions} partitions (replication
   * as the broker's default) if it is missing and waiting until each partition has a leader.
   *
   * @param partitions the count the topic must have; empty to take the existing topic's
   * @return the partition count, and whether the topic was created now
   * @throws WorkloadTopicException if the topic is missing and no count was given, has another count,
   *     or the cluster does not answer
   */
  public static Found ensure(String bootstrapServers, String topic, OptionalInt partitions) {
    try (Admin admin = admin(bootstrapServers)) {
      Optional<TopicDescription> existing = describe(admin, bootstrapServers, topic);
      if (existing.isPresent()) {
        int count = existing.get().partitions().size();
        if (partitions.isPresent() && partitions.getAsInt() != count) {
          throw new WorkloadTopicException("topic '" + topic + "' has " + count + " partitions, not"
              + " the " + partitions.getAsInt() + " of --topic-partitions; use another topic or"
              + " --topic-partitions " + count);
        }
        return new Found(count, false);
      }
      if (partitions.isEmpty()) {
        throw new WorkloadTopicException("topic '" + topic + "' does not exist at " + bootstrapServers
            + "; give --topic-partitions K to create it");
      }
      create(admin, bootstrapServers, topic, partitions.getAsInt());
      return new Found(partitions.getAsInt(), true);
    }
  }

  /**
   * @param partitions the topic's partition count
   * @param created whether the topic was created by this call
   */
  public record Found(int partitions, boolean created) {}

  private static void create(Admin admin, String bootstrapServers, String topic, int partitions) {
    try {
      get(admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all(), bootstrapServers, "creating topic '" + topic + "'");
    } catch (WorkloadTopicException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Optional<TopicDescription> described = describe(admin, bootstrapServers, topic);
      if (described.isPresent() && described.get().partitions().size() == partitions
          && described.get().partitions().stream().allMatch(WorkloadTopic::hasLeader)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new WorkloadTopicException("topic '" + topic + "' was created at " + bootstrapServers
            + " but its " + partitions + " partitions have no leader after " + TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkloadTopicException("interrupted while waiting for the leaders of " + topic, e);
      }
    }
  }

  private static boolean hasLeader(TopicPartitionInfo partition) {
    return partition.leader() != null && !partition.leader().isEmpty();
  }

  private static Optional<TopicDescription> describe(Admin admin, String bootstrapServers,
      String topic) {
    try {
      return Optional.of(get(admin.describeTopics(List.of(topic)).allTopicNames(), bootstrapServers,
          "describing topic '" + topic + "'").get(topic));
    } catch (WorkloadTopicException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static <T> T get(KafkaFuture<T> future, String bootstrapServers, String what) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new WorkloadTopicException(what + " at " + bootstrapServers + " failed: "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new WorkloadTopicException("Kafka at " + bootstrapServers + " did not answer within "
          + TIMEOUT.toSeconds() + " s while " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkloadTopicException("interrupted while " + what, e);
    }
  }

  private static Admin admin(String bootstrapServers) {
    try {
      return Admin.create(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
          AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
    } catch (KafkaException e) {
      throw new WorkloadTopicException("--kafka '" + bootstrapServers + "' is not usable: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
  }
}
