package io.orchestrix.projection;

import java.util.Objects;

/**
 * What a projection does when a handler fails on an event: one decision, configured on the engine and
 * applied by it where the failure happens, whether the events come from a direct call or a runner.
 *
 * <ul>
 *   <li>{@link #stop()} (the default): the events before the failed one are committed, the projection
 *       becomes unhealthy and stops at the failed event, and {@link HandlerFailedException} is raised.
 *       Nothing is skipped: an operator fixes the handler and resumes, dead-letters the event, or
 *       resets the projection.
 *   <li>{@link #deadLetter()}: the failed event's changes are rolled back, the event is stored as a
 *       {@link DeadLetter} in the same atomic commit as the checkpoint that passes it, and processing
 *       goes on. Later events of its stream are parked behind it, in order.
 *   <li>{@link #retry(int)}: the event is attempted again, up to a number of attempts in all, with
 *       exponential {@link Backoff} and jitter between them; then the projection stops or dead-letters
 *       the event, as {@link Retry#thenStop()} or {@link Retry#thenDeadLetter()} say. Between attempts
 *       the events before the failed one stay committed. A runner waits out the backoff without
 *       blocking its other work; a direct {@code processEvents} call waits on the caller's thread.
 * </ul>
 *
 * <p>Store outages and fencing conflicts are not handler failures: they never count as attempts and
 * never dead-letter an event (see {@link FailureKind}). Implementations are immutable records.
 */
public sealed interface FailurePolicy
    permits FailurePolicy.StopAtEvent, FailurePolicy.DeadLetterEvent, FailurePolicy.Retry {

  /**
   * Stop, unhealthy, at the failed event.
   *
   * @return the stop policy, the default
   */
  static FailurePolicy stop() {
    return StopAtEvent.INSTANCE;
  }

  /**
   * Dead-letter the failed event at once and go on.
   *
   * @return the dead-letter policy
   */
  static FailurePolicy deadLetter() {
    return DeadLetterEvent.INSTANCE;
  }

  /**
   * Attempt a failed event up to {@code maxAttempts} times in all with {@link Backoff#DEFAULT}, then
   * stop; change what follows with {@link Retry#thenDeadLetter()}.
   *
   * @param maxAttempts attempts in all, at least 1 (1 means no retry)
   * @return a retry policy that stops once the attempts are used up
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  static Retry retry(int maxAttempts) {
    return new Retry(maxAttempts, Backoff.DEFAULT, stop());
  }

  /** {@return how many attempts an event gets in all before the final action: 1 unless retrying} */
  int maxAttempts();

  /**
   * {@return what happens once the attempts are used up: {@link StopAtEvent} or {@link
   * DeadLetterEvent}}
   */
  FailurePolicy finalAction();

  /** Stop, unhealthy, at the failed event until an operator acts. */
  record StopAtEvent() implements FailurePolicy {
    static final StopAtEvent INSTANCE = new StopAtEvent();

    @Override
    public int maxAttempts() {
      return 1;
    }

    @Override
    public FailurePolicy finalAction() {
      return this;
    }
  }

  /** Store the failed event as a dead letter in the commit that passes it, and go on. */
  record DeadLetterEvent() implements FailurePolicy {
    static final DeadLetterEvent INSTANCE = new DeadLetterEvent();

    @Override
    public int maxAttempts() {
      return 1;
    }

    @Override
    public FailurePolicy finalAction() {
      return this;
    }
  }

  /**
   * Attempt a failed event again with backoff, then take the final action.
   *
   * @param maxAttempts attempts in all, at least 1 (1 means no retry)
   * @param backoff the waits between attempts
   * @param finalAction {@link StopAtEvent} or {@link DeadLetterEvent}
   */
  record Retry(int maxAttempts, Backoff backoff, FailurePolicy finalAction)
      implements FailurePolicy {

    /**
     * @param maxAttempts attempts in all, at least 1
     * @param backoff the waits between attempts; not null
     * @param finalAction {@link StopAtEvent} or {@link DeadLetterEvent}; not null
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1 or the final action is itself
     *     a retry
     */
    public Retry {
      Objects.requireNonNull(backoff, "backoff must not be null");
      Objects.requireNonNull(finalAction, "finalAction must not be null");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
      }
      if (finalAction instanceof Retry) {
        throw new IllegalArgumentException(
            "the final action of a retry must be stop() or deadLetter(), not another retry");
      }
    }

    /** {@return this policy, stopping at the event once the attempts are used up} */
    public Retry thenStop() {
      return new Retry(maxAttempts, backoff, stop());
    }

    /** {@return this policy, dead-lettering the event once the attempts are used up} */
    public Retry thenDeadLetter() {
      return new Retry(maxAttempts, backoff, deadLetter());
    }

    /**
     * {@return this policy with other waits between attempts}
     *
     * @param newBackoff the waits between attempts; not null
     */
    public Retry withBackoff(Backoff newBackoff) {
      return new Retry(maxAttempts, newBackoff, finalAction);
    }
  }
}
