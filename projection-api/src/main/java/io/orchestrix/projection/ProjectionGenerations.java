package io.orchestrix.projection;

import java.util.List;
import java.util.Optional;

/**
 * The generations of a projection and the operator's actions on them: start a rebuild without
 * downtime, cut over, roll back, drop. Each action is one compare-and-set commit of the projection's
 * generation registry in its store, fenced like every commit, so nodes acting at once never lose an
 * update (a conflict is re-read and retried). Thread-safe.
 *
 * <p>Each call reads the store; they raise {@link StoreException} when it fails, with nothing changed.
 */
public interface ProjectionGenerations {

  /** {@return the version this node's code declares} */
  String codeVersion();

  /**
   * {@return every generation the registry holds, ascending by number; generation 1, live, if it
   * holds none}
   */
  List<Generation> list();

  /** {@return the live generation: the one queries read} */
  Generation live();

  /** {@return the generation being built, or empty if none is} */
  Optional<Generation> building();

  /**
   * Starts building a new generation for this node's version beside the live one (what
   * {@code rebuildNewVersionOnStart} does by itself). Idempotent: returns the generation building this
   * version if there is one.
   *
   * @return the generation building this node's version
   * @throws IllegalStateException if this version is the live one (bump the version to rebuild), or
   *     another version is being built
   */
  Generation startRebuild();

  /**
   * Makes the generation being built live and retires the live one, in one commit; readers switch at
   * once (each query sees one generation whole). Writers of the retired generation are fenced and then
   * refuse with {@link ProjectionVersionException}.
   *
   * @return the generation now live
   * @throws IllegalStateException if no generation is being built
   */
  Generation cutOver();

  /**
   * Makes the most recently retired generation live again and marks the live one rolled back, in one
   * commit. The retired generation then resumes from its own checkpoint.
   *
   * @return the generation now live again
   * @throws IllegalStateException if there is no retired generation
   */
  Generation rollback();

  /**
   * Drops a generation that is retired or rolled back: marks it {@link Generation.State#DROPPED} in the
   * registry, then clears its read models, checkpoints and dead letters (one reset commit per
   * partition). Idempotent for a dropped generation.
   *
   * @param generation the number of the generation to drop
   * @throws IllegalArgumentException if there is no such generation, or it is the live one
   */
  void drop(int generation);
}
