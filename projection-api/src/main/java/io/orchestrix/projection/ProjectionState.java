package io.orchestrix.projection;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How far a projection has got and whether it is healthy. Immutable and thread-safe.
 *
 * <p>The checkpoint is {@link #lastProcessedPosition()}: the position of the last event whose effect
 * is committed, 0 before the first one. It moves forward only, except by an explicit reset or replay.
 *
 * <p>{@code lastError} is free text that every store keeps: U+0000 and unpaired surrogates in it
 * become U+FFFD.
 *
 * <p>A projection whose handler failed is unhealthy and stopped at {@link #failedPosition()}: it will
 * apply nothing past that event until the event is processed successfully, dead-lettered, or the
 * projection is reset or replayed.
 *
 * @param projectionId the projection's unique id, or the key of one of its partitions
 *     ({@link ProjectionIds#partitionKey})
 * @param lastProcessedEventId id of the last applied event, null before the first one
 * @param lastProcessedPosition the checkpoint, 0 before the first event
 * @param errorCount how many handler failures this projection has recorded since its last reset
 * @param healthy false while the projection is stopped at a failed event
 * @param lastError a one-line description of the most recent failure, null if none
 * @param failedPosition position of the event the projection is stopped at, 0 when healthy
 * @param updatedAt when this state was written
 */
public record ProjectionState(
    String projectionId,
    @Nullable String lastProcessedEventId,
    long lastProcessedPosition,
    long errorCount,
    boolean healthy,
    @Nullable String lastError,
    long failedPosition,
    Instant updatedAt) {

  /**
   * Checks the state; {@code lastError} is made storable (see above).
   *
   * @param projectionId the projection's id or a partition's key; not null
   * @param lastProcessedEventId id of the last applied event, null before the first one
   * @param lastProcessedPosition the checkpoint, 0 or more
   * @param errorCount handler failures since the last reset, 0 or more
   * @param healthy false while stopped at a failed event
   * @param lastError the most recent failure, or null
   * @param failedPosition the position stopped at, 0 or more; 0 when healthy
   * @param updatedAt when this state was written; not null
   * @throws IllegalArgumentException if the key is invalid, a number negative, or a healthy state
   *     has a failed position
   */
  public ProjectionState {
    Objects.requireNonNull(projectionId, "projectionId must not be null");
    Objects.requireNonNull(updatedAt, "updatedAt must not be null");
    ProjectionIds.requireValidKey(projectionId);
    lastError = FreeText.storable(lastError);
    if (lastProcessedPosition < 0) {
      throw new IllegalArgumentException(
          "lastProcessedPosition must not be negative but was " + lastProcessedPosition);
    }
    if (errorCount < 0) {
      throw new IllegalArgumentException("errorCount must not be negative but was " + errorCount);
    }
    if (failedPosition < 0) {
      throw new IllegalArgumentException(
          "failedPosition must not be negative but was " + failedPosition);
    }
    if (healthy && failedPosition != 0) {
      throw new IllegalArgumentException(
          "a healthy state cannot be stopped at a failed position (" + failedPosition + ")");
    }
  }

  /**
   * {@return the state of a projection that has processed nothing yet}
   *
   * @param projectionId the projection's id or a partition's key; not null
   * @param now when the state is written; not null
   */
  public static ProjectionState initial(String projectionId, Instant now) {
    return new ProjectionState(projectionId, null, 0, 0, true, null, 0, now);
  }

  /**
   * {@return this state with the checkpoint moved to the given event; health is restored}
   *
   * @param eventId the id of the event applied last; not null
   * @param position its position, the new checkpoint
   * @param now when the state is written; not null
   */
  public ProjectionState processed(String eventId, long position, Instant now) {
    return new ProjectionState(projectionId, eventId, position, errorCount, true, lastError, 0, now);
  }

  /**
   * {@return this state, stopped and unhealthy at the given failed event; the checkpoint does not
   * move}
   *
   * @param position the position of the event that failed
   * @param error a one-line description of the failure
   * @param now when the state is written; not null
   */
  public ProjectionState failed(long position, String error, Instant now) {
    return new ProjectionState(
        projectionId, lastProcessedEventId, lastProcessedPosition, errorCount + 1, false, error,
        position, now);
  }

  /**
   * {@return this state with one more recorded error that did not stop the projection (a dead
   * letter)}
   *
   * @param error a one-line description of the failure
   * @param now when the state is written; not null
   */
  public ProjectionState withRecordedError(String error, Instant now) {
    return new ProjectionState(
        projectionId, lastProcessedEventId, lastProcessedPosition, errorCount + 1, healthy, error,
        failedPosition, now);
  }
}
