package io.orchestrix.projection.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one projection inside a {@link ProjectionRunner}. Immutable.
 *
 * @param projectionId the projection
 * @param state what the runner is doing with it
 * @param position its checkpoint
 * @param headPosition the source's head when last read
 * @param lagEvents how far behind the head the checkpoint is, in positions
 * @param lagTime how old the last applied event was when it was applied, while behind; zero when
 *     caught up
 * @param healthy whether the projection is healthy
 * @param lastError the last error seen by the runner (handler failure or store outage), if any
 * @param eventsPerSecond recent throughput
 * @param deadLetters dead letters (failed and parked) of the projection, as last counted
 */
public record ProjectionStatus(
    String projectionId,
    RunState state,
    long position,
    long headPosition,
    long lagEvents,
    Duration lagTime,
    boolean healthy,
    @Nullable String lastError,
    double eventsPerSecond,
    long deadLetters) {

  /** What a runner is doing with a projection. */
  public enum RunState {
    /** Not started, or stopped. */
    STOPPED,
    /** Caught up with the source, waiting for new events. */
    RUNNING,
    /** Behind the source's head, processing pages as fast as it can. */
    CATCHING_UP,
    /** Paused by an operator; resumes where it was. */
    PAUSED,
    /** Retrying after a handler failure or a store outage. */
    RETRYING,
    /** Stopped at a failed event after its retries; waits for an operator. */
    FAILED
  }
}
