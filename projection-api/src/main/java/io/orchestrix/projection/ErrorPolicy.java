package io.orchestrix.projection;

/**
 * What the engine does when a handler fails on an event.
 *
 * <ul>
 *   <li>{@link #STOP} (the default): the events before it are committed, the projection becomes
 *       unhealthy and stops at the failed event, and {@link HandlerFailedException} is raised. Nothing
 *       is skipped: invariant "nothing is lost silently".
 *   <li>{@link #DEAD_LETTER}: the event's changes are rolled back, the event is stored as a
 *       {@link DeadLetter} in the same commit as the checkpoint that passes it, and processing goes on.
 *       The error count grows; health stays as it was.
 * </ul>
 */
public enum ErrorPolicy {
  /** Stop, unhealthy, at the failed event. */
  STOP,
  /** Store the failed event as a dead letter and go on. */
  DEAD_LETTER
}
