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
   * Pauses the build of the generation being built, leaving the live one alone: the nodes building it
   * finish their batch in flight and hold (reporting {@code PAUSED}) within their generation refresh,
   * keeping its checkpoint; it is not cut over while paused. Idempotent.
   *
   * @return the generation being built
   * @throws GenerationStateException if no generation is being built
   */
  Generation pauseBuild();

  /**
   * Resumes the paused build of the generation being built, from its checkpoint (a node paused by
   * its own runner stays paused). Idempotent.
   *
   * @return the generation being built
   * @throws GenerationStateException if no generation is being built
   */
  Generation resumeBuild();

  /**
   * Compares the live generation with the one being built, document by document in the store's id
   * order over every read model the projection owns, provided both stand at the same position (every
   * partition's checkpoint equal in both) before and after the reading; a commit to either while it
   * reads makes the answer empty too. One pass over both generations' documents.
   *
   * @param maxDifferences how many differing documents to list, 1 or more
   * @return the comparison, or empty if the two generations are not at the same position now (build
   *     or follow until they are, and compare again)
   * @throws GenerationStateException if no generation is being built
   * @throws IllegalArgumentException if {@code maxDifferences} is below 1
   */
  Optional<GenerationComparison> compare(int maxDifferences);

  /**
   * Makes the generation being built live and retires the live one, in one commit; readers switch at
   * once (each query sees one generation whole). Writers of the retired generation are fenced and then
   * refuse with {@link ProjectionVersionException}.
   *
   * <p>When the engine was built with {@code verifyBeforeCutOver(true)}, the cut-over first
   * {@linkplain #compare compares} the two generations and refuses unless they hold the same documents
   * at the same position.
   *
   * @return the generation now live
   * @throws GenerationStateException if no generation is being built, its build is paused, or
   *     (verified) the two are not at the same position now
   * @throws GenerationMismatchException if (verified) their documents differ; nothing was switched
   */
  Generation cutOver();

  /**
   * Makes the most recently retired generation live again and marks the live one rolled back, in one
   * commit. The retired generation then resumes from its own checkpoint.
   *
   * @return the generation now live again
   * @throws GenerationStateException if there is no retired generation (none was retired, or it was
   *     dropped when its grace period ended or by an operator)
   */
  Generation rollback();

  /**
   * Drops a generation that is retired, rolled back or being built (a build abandoned, after a
   * refused verified cut-over say): marks it {@link Generation.State#DROPPED} in the registry, then
   * clears its read models, checkpoints and dead letters (one reset commit per partition, fencing its
   * writers, which then refuse with {@link ProjectionVersionException}). Its version cannot be built
   * again: declare a new one. Idempotent for a dropped generation.
   *
   * @param generation the number of the generation to drop
   * @throws IllegalArgumentException if there is no such generation
   * @throws GenerationStateException if it is the live one
   */
  void drop(int generation);
}
