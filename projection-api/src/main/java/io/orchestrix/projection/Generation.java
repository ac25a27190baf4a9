package io.orchestrix.projection;

import java.time.Instant;
import java.util.Objects;

/**
 * One generation of a projection rebuilt without downtime: its read models and writer keys are its
 * own (generation 1 uses the projection's plain names), and the projection's generation registry in
 * its store says which one is live. Immutable.
 *
 * @param number 1 or more
 * @param version the projection version (declared in code) that builds it
 * @param state what the generation is now
 * @param since when it entered that state
 * @param note why it did (a cut-over, a rollback), or empty
 * @param buildPaused whether an operator paused its build ({@link State#BUILDING} only): the nodes
 *     building it hold, keeping its checkpoint, while the live generation goes on
 */
public record Generation(int number, String version, State state, Instant since, String note,
    boolean buildPaused) {

  /**
   * @param number 1 or more
   * @param version the projection version that builds it; not null
   * @param state what the generation is now; not null
   * @param since when it entered that state; not null
   * @param note why it did, or empty; not null
   * @param buildPaused whether an operator paused its build; only a {@link State#BUILDING}
   *     generation may be paused
   * @throws NullPointerException if {@code version}, {@code state}, {@code since} or {@code note} is
   *     null
   * @throws IllegalArgumentException if the number is below 1, or if {@code buildPaused} is true in
   *     a state other than {@link State#BUILDING}
   */
  public Generation {
    Objects.requireNonNull(version, "version must not be null");
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(since, "since must not be null");
    Objects.requireNonNull(note, "note must not be null");
    if (number < 1) {
      throw new IllegalArgumentException("a generation's number must be 1 or more but was " + number);
    }
    if (buildPaused && state != State.BUILDING) {
      throw new IllegalArgumentException("only a generation being built may have its build paused,"
          + " not generation " + number + " in state " + state);
    }
  }

  /**
   * A generation whose build is not paused.
   *
   * @param number 1 or more
   * @param version the projection version that builds it; not null
   * @param state what the generation is now; not null
   * @param since when it entered that state; not null
   * @param note why it did, or empty; not null
   * @throws IllegalArgumentException if the number is below 1
   */
  public Generation(int number, String version, State state, Instant since, String note) {
    this(number, version, state, since, note, false);
  }

  /**
   * This generation in another state, from the given time, its build not paused.
   *
   * @param newState the state it enters; not null
   * @param at when it enters it; not null
   * @param why why it does (a cut-over, a rollback), or empty; not null
   * @return a copy of this generation in that state
   */
  public Generation in(State newState, Instant at, String why) {
    return new Generation(number, version, newState, at, why);
  }

  /**
   * This generation being built, its build paused or resumed from the given time.
   *
   * @param paused true to pause the build, false to resume it
   * @param at when the build is paused or resumed; not null
   * @param why why (an operator's words), or empty; not null
   * @return a copy of this generation, in the same state, with that pause flag
   * @throws IllegalArgumentException if {@code paused} is true and this generation is not
   *     {@link State#BUILDING}
   */
  public Generation withBuildPaused(boolean paused, Instant at, String why) {
    return new Generation(number, version, state, at, why, paused);
  }

  /** What a generation is. */
  public enum State {
    /** Being built beside the live one; queries do not see it. */
    BUILDING,
    /** The one queries read; exactly one generation is live. */
    LIVE,
    /** Live before the last cut-over; kept for a rollback until dropped. */
    RETIRED,
    /** Was live, and an operator rolled back to the generation before it. */
    ROLLED_BACK,
    /**
     * Its read models, checkpoints and dead letters were cleared; kept in the registry so that a node
     * still running its version is refused rather than taken for a new version.
     */
    DROPPED
  }
}
