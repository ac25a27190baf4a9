package io.orchestrix.projection;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one projection inside a runner. Immutable. Reading it never touches the store: during
 * a store outage it reports what was last known, marked {@link #stale()}, with the outage's cause and
 * start.
 *
 * @param projectionId the projection
 * @param state what the runner is doing with it
 * @param position its checkpoint, as last known
 * @param headPosition the source's head when last read
 * @param lagEvents how far behind the head the checkpoint is, in positions
 * @param lagTime how old the last applied event was when it was applied, while behind; zero when
 *     caught up
 * @param healthy whether the projection is healthy (not stopped at a failed event), as last known
 * @param lastError the last error seen by the runner (handler failure, store outage), if any
 * @param eventsPerSecond recent throughput
 * @param deadLetters dead letters (failed and parked) of the projection, as last counted
 * @param stale whether the store could not be reached when this was taken, so the figures are the
 *     last known ones
 * @param outageSince when the ongoing outage began, if one is ongoing
 * @param generation the generation of the projection this node writes (1 unless it was rebuilt
 *     without downtime)
 * @param rebuild the progress of a new generation this node builds beside the live one, if it does
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
    long deadLetters,
    boolean stale,
    @Nullable Instant outageSince,
    int generation,
    @Nullable RebuildProgress rebuild) {

  /**
   * A status of generation 1 without a rebuild: the fields every status had before generations.
   *
   * @param projectionId the projection
   * @param state what the runner is doing with it
   * @param position its checkpoint, as last known
   * @param headPosition the source's head when last read
   * @param lagEvents how far behind the head the checkpoint is, in positions
   * @param lagTime how old the last applied event was when it was applied, while behind; zero when
   *     caught up
   * @param healthy whether the projection is healthy, as last known
   * @param lastError the last error seen by the runner, if any
   * @param eventsPerSecond recent throughput
   * @param deadLetters dead letters of the projection, as last counted
   * @param stale whether the store could not be reached when this was taken
   * @param outageSince when the ongoing outage began, if one is ongoing
   */
  public ProjectionStatus(String projectionId, RunState state, long position, long headPosition,
      long lagEvents, Duration lagTime, boolean healthy, @Nullable String lastError,
      double eventsPerSecond, long deadLetters, boolean stale, @Nullable Instant outageSince) {
    this(projectionId, state, position, headPosition, lagEvents, lagTime, healthy, lastError,
        eventsPerSecond, deadLetters, stale, outageSince, 1, null);
  }

  /**
   * This status under another id, of a generation, with a rebuild's progress or none.
   *
   * @param id the id to report under, such as a generation's key; not null
   * @param number the generation's number, 1 or more
   * @param progress the progress of the rebuild, or null if none
   * @return a copy of this status with those three fields replaced
   */
  public ProjectionStatus ofGeneration(String id, int number, @Nullable RebuildProgress progress) {
    return new ProjectionStatus(id, state, position, headPosition, lagEvents, lagTime, healthy,
        lastError, eventsPerSecond, deadLetters, stale, outageSince, number, progress);
  }

  /**
   * This status with another last error (a refused cut-over of the generation being built, say).
   *
   * @param error the error to report, or null for none
   * @return a copy of this status that differs only in {@link #lastError()}
   */
  public ProjectionStatus withLastError(@Nullable String error) {
    return new ProjectionStatus(projectionId, state, position, headPosition, lagEvents, lagTime,
        healthy, error, eventsPerSecond, deadLetters, stale, outageSince, generation, rebuild);
  }

  /** {@return the progress of a new generation this node builds, or empty if it builds none} */
  public java.util.Optional<RebuildProgress> rebuildProgress() {
    return java.util.Optional.ofNullable(rebuild);
  }

  /** {@return when the ongoing store or source outage began, or empty if none is ongoing} */
  public Optional<Instant> outage() {
    return Optional.ofNullable(outageSince);
  }

  /** {@return whether this projection counts against the runner's health} */
  public boolean isDown() {
    return !healthy || state == RunState.FAILED;
  }

  /** What a runner is doing with a projection. */
  public enum RunState {
    /** Not started, or stopped. */
    STOPPED,
    /** Starting: waiting for its store to answer (open, schema, claim), with backoff. */
    WAITING_FOR_STORE,
    /** Caught up with the source, waiting for new events. */
    RUNNING,
    /** Behind the source's head, processing pages as fast as it can. */
    CATCHING_UP,
    /** Paused by an operator; resumes where it was. */
    PAUSED,
    /**
     * Another node owns it (or, for a partition, this node has not taken it): this node stands by and
     * takes it over once its owner's lease expires. Healthy.
     */
    STANDBY,
    /** Retrying after a handler failure, a store outage or a fencing conflict. */
    RETRYING,
    /**
     * Stopped at a failed event after its retries, or ended by an error that will not pass by
     * itself (the cause is in {@link #lastError()}); waits for an operator.
     */
    FAILED
  }
}
