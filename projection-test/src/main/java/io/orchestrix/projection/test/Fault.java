package io.orchestrix.projection.test;

/**
 * A failure a {@link Scenario} injects at the k-th event of its {@code when} phase (1-based), so a
 * test can assert what the projection does: dead-letter, stop, retry. Immutable records.
 *
 * <ul>
 *   <li>{@link #handlerFailsAt(int)}: a handler the kit registers before the projection's own throws
 *       {@link InjectedFailure} on that event, so the projection's handlers never see it; what
 *       follows is the engine's {@link io.orchestrix.projection.FailurePolicy}.
 *   <li>{@link #storeFailsAt(int)}: the store refuses the commit that carries that event with a
 *       transient {@link io.orchestrix.projection.StoreException} (an outage), before writing
 *       anything.
 *   <li>{@link #storeLosesReplyAt(int)}: the store applies that commit, then the caller gets the
 *       outage anyway, as when a connection drops after the server committed: the case where a
 *       redelivery must apply nothing twice.
 * </ul>
 *
 * <p>Each fails every time by default; {@code times(n)} makes it fail n times, then pass.
 */
public sealed interface Fault permits Fault.HandlerFailure, Fault.StoreFailure {

  /** How many times a fault fails unless told: every time. */
  int ALWAYS = Integer.MAX_VALUE;

  /**
   * A handler failure at the k-th event of the when phase.
   *
   * @param event the k-th event of the when phase, at least 1
   * @return a fault failing every attempt; narrow it with {@link HandlerFailure#times(int)}
   */
  static HandlerFailure handlerFailsAt(int event) {
    return new HandlerFailure(event, ALWAYS);
  }

  /**
   * A commit refused by the store at the k-th event of the when phase.
   *
   * @param event the k-th event of the when phase, at least 1
   * @return a fault failing every commit of that event; narrow it with {@link
   *     StoreFailure#times(int)}
   */
  static StoreFailure storeFailsAt(int event) {
    return new StoreFailure(event, ALWAYS, StoreFailure.Timing.BEFORE_APPLYING);
  }

  /**
   * A commit applied by the store whose reply is lost, at the k-th event of the when phase.
   *
   * @param event the k-th event of the when phase, at least 1
   * @return a fault losing the reply of every commit of that event; narrow it with {@link
   *     StoreFailure#times(int)}
   */
  static StoreFailure storeLosesReplyAt(int event) {
    return new StoreFailure(event, ALWAYS, StoreFailure.Timing.AFTER_APPLYING);
  }

  /** {@return the k-th event of the when phase, 1-based} */
  int event();

  /** {@return how many times the fault fails before it passes; {@link #ALWAYS} for every time} */
  int times();

  /**
   * A handler failure.
   *
   * @param event the k-th event of the when phase, at least 1
   * @param times how many attempts fail, at least 1
   */
  record HandlerFailure(int event, int times) implements Fault {
    /**
     * @param event the k-th event of the when phase, at least 1
     * @param times how many attempts fail, at least 1
     * @throws IllegalArgumentException if event or times is below 1
     */
    public HandlerFailure {
      check(event, times);
    }

    /**
     * This failure, failing the first {@code n} attempts only.
     *
     * @param n how many attempts fail, at least 1
     * @return the narrowed failure
     */
    public HandlerFailure times(int n) {
      return new HandlerFailure(event, n);
    }
  }

  /**
   * A store failure at the commit that carries an event.
   *
   * @param event the k-th event of the when phase, at least 1
   * @param times how many commits fail, at least 1
   * @param timing whether the store fails before or after applying the commit
   */
  record StoreFailure(int event, int times, Timing timing) implements Fault {
    /**
     * @param event the k-th event of the when phase, at least 1
     * @param times how many commits fail, at least 1
     * @param timing whether the store fails before or after applying the commit; not null
     * @throws IllegalArgumentException if event or times is below 1
     */
    public StoreFailure {
      check(event, times);
      java.util.Objects.requireNonNull(timing, "timing must not be null");
    }

    /**
     * This failure, failing the first {@code n} commits only.
     *
     * @param n how many commits fail, at least 1
     * @return the narrowed failure
     */
    public StoreFailure times(int n) {
      return new StoreFailure(event, n, timing);
    }

    /** When, relative to applying the commit, the store fails. */
    public enum Timing {
      /** Nothing of the commit is written. */
      BEFORE_APPLYING,
      /** The commit is written, and the caller is told it failed. */
      AFTER_APPLYING
    }
  }

  /** What an injected handler failure throws; its message names the event and the attempt. */
  final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure described by the message.
     *
     * @param message names the event and the attempt
     */
    public InjectedFailure(String message) {
      super(message);
    }
  }

  private static void check(int event, int times) {
    if (event < 1) {
      throw new IllegalArgumentException("event is the k-th event of the when phase, from 1, but was "
          + event);
    }
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1 but was " + times);
    }
  }
}
