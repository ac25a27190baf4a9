package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The status of a partitioned projection made of its partitions' statuses on one node. Stateless. */
final class StatusSummary {

  /** Which state stands for several partitions: the first of these that any of them is in. */
  private static final List<RunState> PRECEDENCE = List.of(RunState.FAILED,
      RunState.WAITING_FOR_STORE, RunState.RETRYING, RunState.PAUSED, RunState.CATCHING_UP,
      RunState.RUNNING, RunState.STANDBY, RunState.STOPPED);

  private StatusSummary() {}

  /**
   * @param position the lowest checkpoint of all the projection's partitions
   * @param mine the statuses of the partitions this node owns
   * @param idle the state when this node owns no partition: standby, paused or stopped
   * @param healthy whether every partition is healthy as last known
   */
  static ProjectionStatus of(String projectionId, long position, List<ProjectionStatus> mine,
      RunState idle, boolean healthy) {
    long checkpoint = position == Long.MAX_VALUE ? 0 : position;
    RunState state = mine.isEmpty() ? idle : RunState.STOPPED;
    long head = checkpoint;
    Duration lagTime = Duration.ZERO;
    String lastError = null;
    double eventsPerSecond = 0;
    long deadLetters = 0;
    boolean stale = false;
    Instant outageSince = null;
    for (ProjectionStatus status : mine) {
      if (PRECEDENCE.indexOf(status.state()) < PRECEDENCE.indexOf(state)) {
        state = status.state();
      }
      head = Math.max(head, status.headPosition());
      lagTime = status.lagTime().compareTo(lagTime) > 0 ? status.lagTime() : lagTime;
      if (status.lastError() != null && (lastError == null || status.state() == RunState.FAILED)) {
        lastError = status.lastError();
      }
      eventsPerSecond += status.eventsPerSecond();
      deadLetters += status.deadLetters();
      stale |= status.stale();
      if (status.outageSince() != null
          && (outageSince == null || status.outageSince().isBefore(outageSince))) {
        outageSince = status.outageSince();
      }
    }
    return new ProjectionStatus(projectionId, state, checkpoint, head, head - checkpoint,
        head > checkpoint ? lagTime : Duration.ZERO, healthy, lastError, eventsPerSecond,
        deadLetters, stale, outageSince);
  }
}
