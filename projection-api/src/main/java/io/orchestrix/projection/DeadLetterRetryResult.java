package io.orchestrix.projection;

/**
 * What a retry of dead letters did. Immutable.
 *
 * @param applied dead letters (failed or parked) whose event is now applied and that were removed
 * @param stillFailing selected dead letters that failed again and remain
 */
public record DeadLetterRetryResult(int applied, int stillFailing) {}
