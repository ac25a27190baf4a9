package io.orchestrix.projection.kafka.testing.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Waits until a starting broker serves requests: first until its port accepts TCP connections (so
 * the client does not log a warning per refused connection), then until it answers a metadata
 * request, which a KRaft broker does only once it has caught up with the metadata log and been
 * unfenced. Gives up early when the broker's process has died. Stateless and thread-safe.
 */
public final class Readiness {

  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private Readiness() {}

  /**
   * Returns once the broker answers, or throws.
   *
   * @param death empty while the broker may still come up; otherwise why it will not (a dead
   *     process and the end of its log, or a failure of its start-up thread)
   * @throws IllegalStateException if the broker died or did not answer within the timeout
   */
  public static void await(KraftNode node, Duration timeout, Supplier<Optional<String>> death) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Ports.accepts(node.brokerPort(), 200)) {
      failIfDead(node, death);
      failIfLate(node, deadline, timeout, "accept connections");
      LockSupport.parkNanos(PAUSE_NANOS);
    }
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
        AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 20,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 20,
        AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200))) {
      while (true) {
        failIfDead(node, death);
        failIfLate(node, deadline, timeout, "answer a metadata request");
        try {
          if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(1_000)).nodes()
              .get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          LockSupport.parkNanos(PAUSE_NANOS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the broker at "
              + node.bootstrapServers(), e);
        }
      }
    }
  }

  private static void failIfDead(KraftNode node, Supplier<Optional<String>> death) {
    Optional<String> reason = death.get();
    if (reason.isPresent()) {
      throw new IllegalStateException(
          "the Kafka broker at " + node.bootstrapServers() + " failed to start: " + reason.get());
    }
  }

  private static void failIfLate(KraftNode node, long deadline, Duration timeout, String what) {
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException("the Kafka broker at " + node.bootstrapServers()
          + " did not " + what + " within " + timeout.toSeconds() + " s");
    }
  }
}
