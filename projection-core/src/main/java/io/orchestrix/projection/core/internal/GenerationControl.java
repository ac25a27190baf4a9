package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.Generation;
import io.orchestrix.projection.Generation.State;
import io.orchestrix.projection.GenerationComparison;
import io.orchestrix.projection.GenerationMismatchException;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.ProjectionGenerations;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionVersionException;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generations of one projection as this node's code sees them: which generation it writes (or why
 * it may not), and the operator's actions, each one compare-and-set of the {@link GenerationRegistry}.
 * After a cut-over or a rollback the writers of the generation that stops being written are fenced
 * (their keys claimed), so they find out at their next commit. Thread-safe.
 */
final class GenerationControl implements ProjectionGenerations {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationControl.class);

  /** What this node's code does. */
  sealed interface Role {
    /** Writes generation {@code number}; {@code building} while it is built beside the live one. */
    record Write(int number, boolean building) implements Role {}

    /** Writes nothing for now: its version waits for an operator to start its build. */
    record Wait(String why) implements Role {}
  }

  private final String projectionId;
  private final VersionSettings settings;
  private final GenerationRegistry registry;
  private final Clock clock;
  /** Resets every partition of a generation (its read models, checkpoints, dead letters). */
  private final IntConsumer resetGeneration;
  /** Told after each change this node makes, so its own queries follow at once. */
  private final Runnable changed;
  private final GenerationComparer comparer;
  private final GenerationKeys keys;

  GenerationControl(String projectionId, VersionSettings settings, ProjectionStore store,
      int partitions, Clock clock, IntConsumer resetGeneration, Runnable changed,
      GenerationComparer comparer) {
    this.changed = changed;
    this.comparer = comparer;
    this.keys = new GenerationKeys(store, projectionId, partitions);
    this.projectionId = projectionId;
    this.settings = settings;
    this.clock = clock;
    this.registry = new GenerationRegistry(store, projectionId, clock);
    this.resetGeneration = resetGeneration;
  }

  @Override
  public String codeVersion() {
    return settings.version();
  }

  @Override
  public List<Generation> list() {
    return registry.read().filter(list -> !list.isEmpty()).orElseGet(() -> List.of(implicitFirst()));
  }

  private Generation implicitFirst() {
    return new Generation(1, VersionSettings.DEFAULT_VERSION, State.LIVE, Instant.EPOCH,
        "no rebuild yet");
  }

  @Override
  public Generation live() {
    return live(list());
  }

  private Generation live(List<Generation> generations) {
    return generations.stream().filter(g -> g.state() == State.LIVE).findFirst()
        .orElseThrow(() -> new IllegalStateException("projection '" + projectionId
            + "': its generation registry holds no live generation: " + generations));
  }

  @Override
  public Optional<Generation> building() {
    return list().stream().filter(g -> g.state() == State.BUILDING).findFirst();
  }

  // ---- what this node writes

  /**
   * Decides which generation this node's code writes, creating the registry or starting a build when
   * the settings (or {@code start}) say so.
   *
   * @param start whether to start building this version if the registry does not know it
   * @throws ProjectionVersionException if this version may not write
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  Role resolve(boolean start) {
    Optional<List<Generation>> stored = registry.read();
    if (stored.isEmpty() || stored.get().isEmpty()) {
      if (settings.version().equals(VersionSettings.DEFAULT_VERSION)) {
        return new Role.Write(1, false);
      }
      String first = firstGenerationHasData() ? VersionSettings.DEFAULT_VERSION : settings.version();
      stored = Optional.of(registry.update(current -> current.isEmpty() ? List.of(
          new Generation(1, first, State.LIVE, clock.instant(), "first generation")) : current));
    }
    List<Generation> generations = stored.get();
    Optional<Generation> mine = ofVersion(generations);
    if (mine.isPresent()) {
      return roleOf(mine.get(), generations);
    }
    if (!start && !settings.rebuildOnStart()) {
      return new Role.Wait("version '" + settings.version() + "' is not built yet, and the live one"
          + " is '" + live(generations).version() + "'; start its build with"
          + " runner.rebuild(id, RebuildMode.BLUE_GREEN) or engine.generations().startRebuild()");
    }
    return roleOf(startBuild(), registry.read().orElseThrow());
  }

  private Role roleOf(Generation mine, List<Generation> generations) {
    return switch (mine.state()) {
      case LIVE -> new Role.Write(mine.number(), false);
      case BUILDING -> new Role.Write(mine.number(), true);
      case RETIRED, ROLLED_BACK, DROPPED -> throw refusal(mine, generations);
    };
  }

  private ProjectionVersionException refusal(Generation mine, List<Generation> generations) {
    String why = switch (mine.state()) {
      case RETIRED -> "generation " + mine.number() + " of this version was retired by a cut-over "
          + mine.since() + ", so this node writes nothing; deploy the live version, or roll back";
      case ROLLED_BACK -> "generation " + mine.number() + " of this version was rolled back "
          + mine.since() + "; deploy the live version, or build this one again under a new version";
      default -> "generation " + mine.number() + " of this version was dropped; deploy the live"
          + " version";
    };
    return new ProjectionVersionException(projectionId, settings.version(),
        live(generations).version(), why);
  }

  /**
   * Checked before every claim of the generation this node writes.
   *
   * @return whether it is being built
   * @throws ProjectionVersionException if it may no longer be written
   */
  boolean checkWritable(int number) {
    Optional<List<Generation>> stored = registry.read();
    if (stored.isEmpty() || stored.get().isEmpty()) {
      if (number == 1) {
        return false;
      }
      throw new IllegalStateException("projection '" + projectionId + "': generation " + number
          + " is not in the registry, which is gone");
    }
    Generation mine = stored.get().stream().filter(g -> g.number() == number).findFirst()
        .orElseThrow(() -> new ProjectionVersionException(projectionId, settings.version(),
            live(stored.get()).version(), "generation " + number + " is gone from the registry"));
    return roleOf(mine, stored.get()) instanceof Role.Write write && write.building();
  }

  private Optional<Generation> ofVersion(List<Generation> generations) {
    return generations.stream().filter(g -> g.version().equals(settings.version()))
        .reduce((first, second) -> second);
  }

  private boolean firstGenerationHasData() {
    return keys.positions(1).stream().anyMatch(position -> position > 0);
  }

  // ---- the operator's actions

  @Override
  public Generation startRebuild() {
    Optional<Generation> mine = ofVersion(list());
    if (mine.isPresent() && mine.get().state() == State.LIVE) {
      throw new IllegalStateException("projection '" + projectionId + "': version '"
          + settings.version() + "' is the live one; declare a new version to rebuild beside it");
    }
    return startBuild();
  }

  private Generation startBuild() {
    Instant now = clock.instant();
    List<Generation> after = registry.update(current -> {
      List<Generation> base = current.isEmpty() ? List.of(implicitFirst().in(State.LIVE, now,
          "first generation")) : current;
      Optional<Generation> mine = base.stream()
          .filter(g -> g.version().equals(settings.version())).reduce((a, b) -> b);
      if (mine.isPresent() && mine.get().state() == State.BUILDING) {
        return base;
      }
      base.stream().filter(g -> g.state() == State.BUILDING).findFirst().ifPresent(other -> {
        throw new IllegalStateException("projection '" + projectionId + "': version '"
            + other.version() + "' is being built as generation " + other.number()
            + "; cut it over or drop it before building version '" + settings.version() + "'");
      });
      int number = base.stream().mapToInt(Generation::number).max().orElse(0) + 1;
      ProjectionIds.generationKey(projectionId, number);
      List<Generation> next = new ArrayList<>(base);
      next.add(new Generation(number, settings.version(), State.BUILDING, now,
          "build of version '" + settings.version() + "' started"));
      return next;
    });
    Generation started = after.stream().filter(g -> g.state() == State.BUILDING).findFirst()
        .orElseThrow();
    LOG.info("projection '{}': generation {} (version '{}') is being built beside the live one",
        projectionId, started.number(), started.version());
    return started;
  }

  @Override
  public Generation pauseBuild() {
    return setBuildPaused(true);
  }

  @Override
  public Generation resumeBuild() {
    return setBuildPaused(false);
  }

  private Generation setBuildPaused(boolean paused) {
    Instant now = clock.instant();
    List<Generation> after = registry.update(current -> current.stream().map(g -> {
      if (g.state() != State.BUILDING || g.buildPaused() == paused) {
        return g;
      }
      return g.withBuildPaused(paused, now, paused ? "build paused" : "build resumed");
    }).toList());
    Generation building = after.stream().filter(g -> g.state() == State.BUILDING).findFirst()
        .orElseThrow(() -> new GenerationStateException(projectionId, "no generation is being"
            + " built, so there is no build to " + (paused ? "pause" : "resume"), after));
    LOG.info("projection '{}': build of generation {} paused: {}", projectionId, building.number(),
        paused);
    return building;
  }

  @Override
  public Optional<GenerationComparison> compare(int maxDifferences) {
    if (maxDifferences < 1) {
      throw new IllegalArgumentException("maxDifferences must be 1 or more but was "
          + maxDifferences);
    }
    List<Generation> generations = list();
    Generation building = generations.stream().filter(g -> g.state() == State.BUILDING)
        .findFirst().orElseThrow(() -> new GenerationStateException(projectionId, "no generation"
            + " is being built, so there is nothing to compare the live one with", generations));
    return comparer.compare(live(generations).number(), building.number(), maxDifferences);
  }

  /** Refuses unless both hold the same documents at the same position; returns the built one. */
  private int verify() {
    GenerationComparison comparison = compare(VersionSettings.REPORTED_DIFFERENCES).orElseThrow(
        () -> new GenerationStateException(projectionId, "a verified cut-over waits until the live"
            + " generation and the one being built stand at the same position, and they do not",
            list()));
    if (!comparison.identical()) {
      throw new GenerationMismatchException(projectionId, comparison);
    }
    LOG.info("projection '{}': verified before the cut-over: {}", projectionId, comparison);
    return comparison.builtGeneration();
  }

  @Override
  public Generation cutOver() {
    int verified = settings.verifyBeforeCutOver() ? verify() : 0;
    Instant now = clock.instant();
    int[] retired = {0};
    List<Generation> after = registry.update(current -> {
      Generation building = current.stream().filter(g -> g.state() == State.BUILDING).findFirst()
          .orElseThrow(() -> new GenerationStateException(projectionId, "no generation is being"
              + " built, so there is nothing to cut over to", current));
      if (verified > 0 && building.number() != verified) {
        throw new GenerationStateException(projectionId, "generation " + building.number()
            + " is being built now, not generation " + verified + " that was compared", current);
      }
      if (building.buildPaused()) {
        throw new GenerationStateException(projectionId, "the build of generation "
            + building.number() + " is paused; resume it before cutting over", current);
      }
      return current.stream().map(g -> {
        if (g.number() == building.number()) {
          return g.in(State.LIVE, now, "cut over from generation " + live(current).number());
        }
        if (g.state() == State.LIVE) {
          retired[0] = g.number();
          return g.in(State.RETIRED, now, "retired by the cut-over to generation "
              + building.number());
        }
        return g;
      }).toList();
    });
    changed.run();
    keys.fence(retired[0]);
    Generation live = live(after);
    LOG.info("projection '{}': cut over to generation {} (version '{}'); generation {} is retired",
        projectionId, live.number(), live.version(), retired[0]);
    return live;
  }

  @Override
  public Generation rollback() {
    Instant now = clock.instant();
    int[] rolledBack = {0};
    List<Generation> after = registry.update(current -> {
      Generation retired = current.stream().filter(g -> g.state() == State.RETIRED)
          .max(java.util.Comparator.comparing(Generation::since))
          .orElseThrow(() -> new GenerationStateException(projectionId, nothingToRollBackTo(current),
              current));
      return current.stream().map(g -> {
        if (g.number() == retired.number()) {
          return g.in(State.LIVE, now, "rolled back to");
        }
        if (g.state() == State.LIVE) {
          rolledBack[0] = g.number();
          return g.in(State.ROLLED_BACK, now, "rolled back to generation " + retired.number());
        }
        return g;
      }).toList();
    });
    changed.run();
    keys.fence(rolledBack[0]);
    Generation live = live(after);
    LOG.info("projection '{}': rolled back to generation {} (version '{}')", projectionId,
        live.number(), live.version());
    return live;
  }

  @Override
  public void drop(int number) {
    Generation target = list().stream().filter(g -> g.number() == number).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("projection '" + projectionId
            + "' has no generation " + number + "; it has " + list()));
    if (target.state() == State.LIVE) {
      throw new GenerationStateException(projectionId, "generation " + number + " is LIVE; only"
          + " a retired, rolled-back or building generation may be dropped", list());
    }
    if (target.state() == State.DROPPED) {
      return;
    }
    Instant now = clock.instant();
    registry.update(current -> current.stream().map(g -> g.number() == number
        ? g.in(State.DROPPED, now, "dropped") : g).toList());
    resetGeneration.accept(number);
    LOG.info("projection '{}': generation {} (version '{}') is dropped", projectionId, number,
        target.version());
  }

  private static String nothingToRollBackTo(List<Generation> generations) {
    Optional<Generation> dropped = generations.stream().filter(g -> g.state() == State.DROPPED)
        .max(java.util.Comparator.comparing(Generation::since));
    if (dropped.isPresent()) {
      return "no retired generation to roll back to: generation " + dropped.get().number()
          + " (version '" + dropped.get().version() + "') was dropped " + dropped.get().since()
          + " (its grace period ended, or an operator dropped it)";
    }
    return "no retired generation to roll back to: no cut-over retired one";
  }

  /** Drops every retired generation whose grace has passed; what a node writing the live one does. */
  void dropExpired() {
    Instant now = clock.instant();
    for (Generation g : list()) {
      if (g.state() == State.RETIRED
          && Duration.between(g.since(), now).compareTo(settings.retiredGrace()) >= 0) {
        drop(g.number());
      }
    }
  }
}
