package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionStatus;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What a runner does with one projection, whether one thread runs all of it ({@link TrackingWorker})
 * or its partitions are shared among nodes by leases ({@link PartitionCoordinator}). Thread-safe.
 */
public interface ProjectionWorker {

  String projectionId();

  /** Starts processing; returns at once. Idempotent. */
  void start();

  /** Asks processing to stop after the batch in flight. */
  void requestStop();

  /** Waits for processing to stop, interrupting what still runs after the timeout. */
  void join(Duration timeout);

  void pause();

  /** Resumes a paused or failed projection. */
  void resume();

  /** Runs an operator's action while processing holds. */
  void whilePaused(Consumer<ProjectionOperations> operation);

  /** Waits until the projection has processed the position. */
  boolean awaitPosition(long target, Duration timeout) throws InterruptedException;

  /** What is known now; never asks the store, never throws. */
  ProjectionStatus status();
}
