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

  /** The version this node's code declares. */
  String codeVersion();

  /** Every generation the registry holds, by number; generation 1, live, if it holds none. */
  List<Generation> list();

  /** The live generation. */
  Generation live();

  /** The generation being built, if one is. */
  Optional<Generation> building();

  /**
   * Starts building a new generation for this node's version beside the live one (what
   * {@code rebuildNewVersionOnStart} does by itself). Idempotent: returns the generation building this
   * version if there is one.
   *
   * @throws IllegalStateException if this version is the live one (bump the version to rebuild), or
   *     another version is being built
   */
  Generation startRebuild();

  /**
   * Makes the generation being built live and retires the live one, in one commit; readers switch at
   * once (each query sees one generation whole). Writers of the retired generation are fenced and then
   * refuse with {@link ProjectionVersionException}.
   *
   * @throws GenerationStateException if no generation is being built
   */
  Generation cutOver();

  /**
   * Makes the most recently retired generation live again and marks the live one rolled back, in one
   * commit. The retired generation then resumes from its own checkpoint.
   *
   * @throws GenerationStateException if there is no retired generation (none was retired, or it was
   *     dropped when its grace period ended or by an operator)
   */
  Generation rollback();

  /**
   * Drops a generation that is retired or rolled back: marks it {@link Generation.State#DROPPED} in the
   * registry, then clears its read models, checkpoints and dead letters (one reset commit per
   * partition). Idempotent for a dropped generation.
   *
   * @throws IllegalArgumentException if there is no such generation
   * @throws GenerationStateException if it is the live one or the one being built
   */
  void drop(int generation);
}
