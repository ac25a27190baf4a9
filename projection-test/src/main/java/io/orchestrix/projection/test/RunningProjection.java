package io.orchestrix.projection.test;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.core.ProjectionRunner;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A projection followed by a live {@link ProjectionRunner} over an in-memory event log, for tests of
 * a running projection without sleeps: append events, then {@link #awaitCaughtUp()} (or
 * {@link #awaitPosition}) returns as soon as the runner has committed them, and {@link #then()}
 * checks the read models. Times come from the fixture's {@link TestClock}: move it with
 * {@link #clock()} to make lag or dead-letter ages grow.
 *
 * <pre>{@code
 * try (RunningProjection running = fixture.start()) {
 *   running.append("order-1", new OrderPlaced("order-1", "Ann"));
 *   running.awaitCaughtUp().document(ORDERS, "order-1", new Order("order-1", "Ann", "PLACED"));
 * }
 * }</pre>
 *
 * <p>Thread-safe as the runner and log are. Closing stops the runner (letting its batch in flight
 * finish); a store opened by URI stays open for the fixture to close.
 */
public final class RunningProjection implements AutoCloseable {

  /** How long an await waits before it fails, unless told: generous, for loaded machines. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final ProjectionFixture fixture;
  private final ProjectionFixture.Run run;
  private final InMemoryEventLog log;
  private final ProjectionRunner runner;
  private volatile Duration timeout = DEFAULT_TIMEOUT;

  private RunningProjection(ProjectionFixture fixture, ProjectionFixture.Run run) {
    this.fixture = fixture;
    this.run = run;
    this.log = new InMemoryEventLog(fixture.clock());
    this.runner = ProjectionRunner.builder(log)
        .projection(run.engine())
        .clock(fixture.clock())
        .outageBackoff(Backoff.of(Duration.ofMillis(5), Duration.ofMillis(100)))
        .build();
  }

  static RunningProjection start(ProjectionFixture fixture, ProjectionFixture.Run run) {
    RunningProjection running = new RunningProjection(fixture, run);
    running.runner.start();
    return running;
  }

  /**
   * Appends payloads to a stream, whatever its version; returns the last one's position.
   *
   * @param streamId the stream, not blank
   * @param payloads the payloads, in order; not null
   * @return the position of the last payload appended
   */
  public long append(String streamId, Object... payloads) {
    Objects.requireNonNull(payloads, "payloads must not be null");
    return log.append(streamId, InMemoryEventLog.ANY_VERSION, List.of(payloads));
  }

  /**
   * Appends payloads, each to the stream the fixture's stream function names.
   *
   * @param payloads the payloads, in order
   * @return the position of the last payload appended, or the log's head if none was given
   */
  public long append(Object... payloads) {
    long last = log.headPosition();
    for (Object payload : payloads) {
      last = log.append(fixture.streamOf().apply(payload), payload);
    }
    return last;
  }

  /**
   * Waits until the projection has committed everything appended so far.
   *
   * @return the checks over what the projection committed
   * @throws ProjectionAssertionError if it has not within the timeout, with the runner's status
   */
  public Then awaitCaughtUp() {
    return awaitPosition(log.headPosition());
  }

  /**
   * Waits until the projection has committed the given position.
   *
   * @param position the position to wait for
   * @return the checks over what the projection committed
   * @throws ProjectionAssertionError if it has not within the timeout, with the runner's status
   */
  public Then awaitPosition(long position) {
    boolean reached;
    try {
      reached = runner.awaitPosition(fixture.projectionId(), position, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProjectionAssertionError("interrupted while waiting for projection '"
          + fixture.projectionId() + "' to reach position " + position, null, null, e);
    }
    if (!reached) {
      throw new ProjectionAssertionError("projection '" + fixture.projectionId()
          + "' did not reach position " + position + " within " + timeout + "; its status: "
          + status());
    }
    return then();
  }

  /** {@return the checks of {@link Then} over what the projection has committed so far} */
  public Then then() {
    List<EventEnvelope<?>> delivered = log.read(0, (int) Math.min(Integer.MAX_VALUE - 8,
        Math.max(1, log.headPosition())));
    return new Then(fixture, run, delivered, delivered, null);
  }

  /**
   * How long awaits wait before failing. Default {@link #DEFAULT_TIMEOUT}.
   *
   * @param timeout the longest wait, positive
   * @return this running projection
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public RunningProjection timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive but was " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** {@return the runner's status of the projection, as the runner last knew it} */
  public ProjectionStatus status() {
    return runner.status(fixture.projectionId());
  }

  /** {@return the fixture's clock, which the runner, the engine and the log read} */
  public TestClock clock() {
    return fixture.clock();
  }

  /** {@return the log the runner follows} */
  public InMemoryEventLog log() {
    return log;
  }

  /** {@return the runner, for pause, resume, rebuild and health} */
  public ProjectionRunner runner() {
    return runner;
  }

  /** {@return the engine the runner drives} */
  public ProjectionEngine engine() {
    return run.engine();
  }

  /** Stops the runner. */
  @Override
  public void close() {
    runner.stop();
  }
}
