package io.orchestrix.projection.spring.actuate;

import io.orchestrix.projection.Generation;
import io.orchestrix.projection.GenerationMismatchException;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionGenerations;
import io.orchestrix.projection.RebuildProgress;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.RebuildMode;
import io.orchestrix.projection.spring.ProjectionEngines;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

/**
 * The {@code projections} endpoint's actions on a projection's generations: rebuild (blue/green or
 * in place), cut over, roll back, drop, and the generations as the store lists them. A refused action
 * raises {@link InvalidEndpointRequestException} (HTTP 400) whose message says why and what to do
 * instead; nothing is changed then. Each action but the in-place rebuild is one compare-and-set
 * commit of the projection's generation registry, so it may be called on any node, from any thread.
 */
final class GenerationActions {

  /** The {@code mode} of a rebuild that builds beside the live generation; the default. */
  static final String BLUE_GREEN = "blue-green";
  /** The {@code mode} of a rebuild that clears the live read models first. */
  static final String IN_PLACE = "in-place";

  private final ProjectionEngines engines;
  private final long cutOverLag;

  GenerationActions(ProjectionEngines engines, long cutOverLag) {
    this.engines = engines;
    this.cutOverLag = cutOverLag;
  }

  /**
   * Rebuilds a projection. {@code blue-green} (the default) starts building this node's version as a
   * new generation beside the live one; it is refused, changing nothing, when that version is the
   * live one or another version is being built. {@code in-place} clears the live read models, dead
   * letters and checkpoint, and processes every event again.
   */
  Map<String, Object> rebuild(String id, @Nullable String mode) {
    String chosen = mode == null ? BLUE_GREEN : mode;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("mode", chosen);
    switch (chosen) {
      case BLUE_GREEN -> {
        try {
          runner().rebuild(id, RebuildMode.BLUE_GREEN);
        } catch (IllegalStateException | IllegalArgumentException | GenerationStateException
        | GenerationMismatchException refused) {
          throw invalid("a blue-green rebuild of projection '" + id + "' is not possible: "
              + refused.getMessage() + ". A blue-green rebuild builds a version other than the live"
              + " one: declare it with @Projection(version = ...) and deploy it. To rebuild the live"
              + " version's read models in place instead, which readers then see empty, then"
              + " partial, until it has caught up, give mode=in-place");
        }
        generations(id).building().ifPresent(building -> result.put("building", StatusView.of(building)));
      }
      case IN_PLACE -> runner().rebuild(id, RebuildMode.IN_PLACE);
      default -> throw invalid("mode must be " + BLUE_GREEN + " or " + IN_PLACE + " but was '"
          + chosen + "'");
    }
    return result;
  }

  /**
   * Makes the generation being built live. Unless forced, only on the node that builds it, and only
   * once it is within {@code generations.cut-over-lag} of the head.
   */
  Map<String, Object> cutOver(String id, boolean force) {
    ProjectionGenerations generations = generations(id);
    Generation building = generations.building().orElseThrow(() -> invalid("projection '" + id
        + "' has no generation being built, so there is nothing to cut over to"));
    if (!force) {
      Optional<RebuildProgress> progress = runner().status(id).rebuildProgress()
          .filter(p -> p.generation() == building.number());
      if (progress.isEmpty()) {
        throw invalid("generation " + building.number() + " of projection '" + id
            + "' is not being built on this node, which cannot tell how far it has come; cut over"
            + " on the node that builds it, or give force=true");
      }
      if (progress.get().remaining() > cutOverLag) {
        throw invalid("generation " + building.number() + " of projection '" + id + "' has not"
            + " caught up: it is at " + progress.get().position() + " of "
            + progress.get().headPosition() + ", more than generations.cut-over-lag ("
            + cutOverLag + ") behind; wait, or give force=true to let readers see it as it is");
      }
    }
    return Map.of("live", StatusView.of(refusedAsInvalid(generations::cutOver)));
  }

  /** Makes the most recently retired generation live again. */
  Map<String, Object> rollback(String id) {
    return Map.of("live", StatusView.of(refusedAsInvalid(generations(id)::rollback)));
  }

  /** Drops a retired or rolled-back generation: its read models, checkpoints and dead letters. */
  Map<String, Object> drop(String id, @Nullable Integer generation) {
    if (generation == null) {
      throw invalid("drop-generation needs the generation's number");
    }
    refusedAsInvalid(() -> {
      generations(id).drop(generation);
      return generation;
    });
    return Map.of("dropped", generation);
  }

  /**
   * This node's version and the generations the store lists; when the store cannot be read, the
   * error instead of the list.
   */
  Map<String, Object> view(String id) {
    ProjectionGenerations generations = generations(id);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("codeVersion", generations.codeVersion());
    try {
      view.put("generations", generations.list().stream().map(StatusView::of).toList());
    } catch (ProjectionException unreadable) {
      view.put("generationsError", unreadable.getMessage());
    }
    return view;
  }

  private static <T> T refusedAsInvalid(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalStateException | IllegalArgumentException | GenerationStateException
        | GenerationMismatchException refused) {
      throw invalid(refused.getMessage());
    }
  }

  private ProjectionGenerations generations(String id) {
    return engines.engine(id).generations();
  }

  private ProjectionRunner runner() {
    return engines.runner().orElseThrow();
  }

  static InvalidEndpointRequestException invalid(String reason) {
    return new InvalidEndpointRequestException(reason, reason);
  }
}
