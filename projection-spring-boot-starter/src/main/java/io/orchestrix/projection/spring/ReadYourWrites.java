package io.orchestrix.projection.spring;

import io.orchestrix.projection.core.ProjectionRunner;
import java.time.Duration;
import java.util.Objects;

/**
 * Lets a web request that has just appended events answer only once its own write is visible in the
 * read models: {@code readYourWrites.await(position)} waits until every projection (or the named
 * one) has processed the given position of the event source.
 *
 * <pre>{@code
 * long position = eventStore.append(orderId, 0, List.of(new OrderCreated(...)));
 * readYourWrites.await("order-summary", position);
 * return orders.findById(orderId).orElseThrow();
 * }</pre>
 *
 * <p>It waits on the runner's status, never polling the store. Thread-safe.
 */
public final class ReadYourWrites {

  private final ProjectionEngines engines;
  private final Duration defaultTimeout;

  /**
   * @param engines the application's projections
   * @param defaultTimeout how long {@link #await(long)} and {@link #await(String, long)} wait
   */
  public ReadYourWrites(ProjectionEngines engines, Duration defaultTimeout) {
    this.engines = Objects.requireNonNull(engines, "engines must not be null");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout must not be null");
  }

  /**
   * Waits, up to the configured {@code orchestrix.projections.read-your-writes-timeout}, until every
   * projection has processed the position. The timeout covers all projections together.
   *
   * @param position the event source position to wait for, as the append returned it
   * @throws ReadYourWritesTimeoutException naming the projection that had not reached it
   * @throws IllegalStateException if the waiting thread was interrupted (its interrupt flag is set)
   */
  public void await(long position) {
    long deadline = System.nanoTime() + defaultTimeout.toNanos();
    for (String id : engines.ids()) {
      await(id, position, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  /**
   * Waits up to the configured timeout until one projection has processed the position.
   *
   * @param projectionId the projection's id
   * @param position the event source position to wait for
   * @throws ReadYourWritesTimeoutException if it had not within the timeout
   * @throws java.util.NoSuchElementException if there is no such projection
   * @throws IllegalStateException if the waiting thread was interrupted (its interrupt flag is set)
   */
  public void await(String projectionId, long position) {
    await(projectionId, position, defaultTimeout);
  }

  /**
   * Waits up to the timeout until one projection has processed the position.
   *
   * @param projectionId the projection's id
   * @param position the event source position to wait for
   * @param timeout the longest wait; not null
   * @throws ReadYourWritesTimeoutException if it had not within the timeout
   * @throws java.util.NoSuchElementException if there is no such projection
   * @throws IllegalStateException if the waiting thread was interrupted (its interrupt flag is set)
   */
  public void await(String projectionId, long position, Duration timeout) {
    engines.engine(projectionId);
    ProjectionRunner runner = engines.runner().orElseThrow();
    boolean reached;
    try {
      reached = runner.awaitPosition(projectionId, position, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for projection '" + projectionId
          + "' to reach position " + position, e);
    }
    if (!reached) {
      throw new ReadYourWritesTimeoutException(runner.status(projectionId), position, timeout);
    }
  }
}
