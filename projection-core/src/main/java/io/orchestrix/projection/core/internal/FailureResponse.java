package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.StoreException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one {@link TrackingWorker}'s thread responds to a failure, once the engine has decided what it
 * means: a handler retry waits the policy's delay; an outage or fencing conflict waits with backoff for
 * as long as it lasts, counting attempts until the next success; a conflict on a leased partition
 * ends the worker (another node owns it now); a stop at a failed event, a start-up past the runner's
 * limit or a fatal error holds the worker failed until an operator resumes. Each response is reported
 * in the worker's status and the log, and every wait wakes early for stop and pause. Not thread-safe:
 * only the worker's own thread uses it.
 */
final class FailureResponse {

  private static final Logger LOG = LoggerFactory.getLogger(FailureResponse.class);
  private static final int MAX_BACKOFF_STEP = 30;

  private final String projectionId;
  private final WorkerStatus status;
  private final WorkerControl control;
  private final RunnerSettings settings;
  private final StartupWindow startup;
  /** Whether a lease decides who writes: then a fenced worker ends instead of claiming again. */
  private final boolean leased;
  private int outageAttempts;

  FailureResponse(String projectionId, WorkerStatus status, WorkerControl control,
      RunnerSettings settings, StartupWindow startup, boolean leased) {
    this.projectionId = projectionId;
    this.status = status;
    this.control = control;
    this.settings = settings;
    this.startup = startup;
    this.leased = leased;
  }

  /** The store answered: the next outage backs off from the start. */
  void recovered() {
    outageAttempts = 0;
  }

  /** Reports a handler failure the policy retries, and waits its delay. */
  void retryLater(BatchOutcome.RetryLater retry) {
    status.state(RunState.RETRYING);
    status.error(retry.failure().getMessage());
    status.retried();
    LOG.warn("projection '{}' failed on event {} at position {} (attempt {}); retrying in {}: {}",
        projectionId, retry.failure().eventId().orElse("?"), retry.failure().position(),
        retry.attempt(), retry.delay(), retry.failure().getMessage());
    control.sleep(retry.delay());
  }

  /** Holds the worker at the event its policy stopped at. */
  void stopped(BatchOutcome.Stopped stopped) {
    fail(stopped.failure(), "stopped at event " + stopped.failure().eventId().orElse("?")
        + " at position " + stopped.failure().position() + " after " + stopped.attempts()
        + (stopped.attempts() == 1 ? " attempt: " : " attempts: ") + stopped.failure().getMessage());
  }

  /** Holds the worker failed: the store did not answer within the start-up limit. */
  void startupLimitPassed(ProjectionException failure) {
    StoreException timedOut = StoreException.failure("projection '" + projectionId
        + "': the store did not answer within the start-up limit of " + settings.startupLimit()
        + ": " + failure.getMessage(), projectionId, failure);
    fail(timedOut, timedOut.getMessage());
  }

  /**
   * A failure that is not a handler's: an outage or a conflict is waited out with backoff (the writer
   * claims again after it); anything else holds the projection, failed, until an operator resumes.
   */
  void handle(ProjectionException failure) {
    if (leased && failure instanceof ProjectionConflictException) {
      status.error(failure.getMessage());
      status.state(RunState.STANDBY);
      LOG.info("partition '{}' was taken over by another node; this worker ends: {}", projectionId,
          failure.getMessage());
      control.requestStop();
      return;
    }
    switch (failure.kind()) {
      case TRANSIENT, CONFLICT -> {
        outageAttempts++;
        status.outage(failure.getMessage());
        status.state(startup.isOver() ? RunState.RETRYING : RunState.WAITING_FOR_STORE);
        status.retried();
        Duration wait = settings.outageBackoff().delay(Math.min(outageAttempts, MAX_BACKOFF_STEP));
        LOG.warn("projection '{}' cannot reach its store or source, or another writer got there"
            + " first (attempt {}); retrying in {}: {}", projectionId, outageAttempts, wait,
            failure.getMessage());
        control.sleep(wait);
      }
      case HANDLER, FATAL -> fail(failure, failure.getMessage());
    }
  }

  private void fail(ProjectionException failure, @Nullable String message) {
    if (message == null) {
      message = described(failure);
    }
    status.error(message);
    status.state(RunState.FAILED);
    LOG.error("projection '{}' stopped and waits for an operator: {}", projectionId, message,
        failure);
    control.holdAfterFailure();
  }

  /** A failure without a message, by its type and its causes', so that a status always says why. */
  private static String described(Throwable failure) {
    StringBuilder described = new StringBuilder(failure.getClass().getName());
    for (Throwable cause = failure.getCause(); cause != null && described.length() < 1_000;
        cause = cause.getCause()) {
      described.append(", caused by ").append(cause);
    }
    return described.toString();
  }
}
