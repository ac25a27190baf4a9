package io.orchestrix.projection.kafka.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/** Waits for a new topic's partitions to have leaders. Stateless and thread-safe. */
final class Topics {

  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private Topics() {}

  static void awaitLeaders(Admin admin, String topic, int partitions, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasLeaders(admin, topic, partitions, timeout)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("topic " + topic + " has no leader for each of its "
            + partitions + " partitions after " + timeout.toSeconds() + " s");
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
  }

  private static boolean hasLeaders(Admin admin, String topic, int partitions, Duration timeout) {
    TopicDescription description;
    try {
      description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException notYetKnown) {
      return false;
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer about topic " + topic + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
    }
    return description.partitions().size() == partitions
        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }
}
