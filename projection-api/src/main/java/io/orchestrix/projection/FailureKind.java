package io.orchestrix.projection;

/**
 * What kind of failure a {@link ProjectionException} is, which decides what a runner does next. Every
 * exception of this library says its kind through {@link ProjectionException#kind()}, so callers never
 * need to test exception classes one by one.
 */
public enum FailureKind {
  /**
   * The store or source is out for now (a lost connection, a restart, a timeout): the same call may
   * succeed later. Nothing of the failed call was committed. A runner waits and retries for as long as
   * the outage lasts; it never dead-letters an event because of it.
   */
  TRANSIENT,
  /**
   * A handler failed on an event. The events before it are committed; the failed event's own changes
   * are not. The projection's {@link FailurePolicy} decides what follows: retry, stop or dead-letter.
   */
  HANDLER,
  /**
   * Another writer moved the checkpoint or owns the projection now (fencing). Nothing was committed.
   * The writer reloads its state and claims again before it goes on.
   */
  CONFLICT,
  /**
   * The same call will fail again until someone acts: bad input, a bad configuration, a schema newer
   * than the code, a projection stopped at a failed event. Nothing was changed.
   */
  FATAL
}
