package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.Generation;
import io.orchestrix.projection.GenerationMismatchException;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.ProjectionVersionException;
import io.orchestrix.projection.RebuildProgress;
import io.orchestrix.projection.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a versioned projection in a runner: decides which generation this node's code writes, runs
 * that generation with the runner's usual worker (one thread, or partitions shared by leases, in lease
 * groups of the generation's own key), and every refresh interval reads the generation registry: a
 * generation being built reports its progress and, once caught up, is cut over (when automatic); a
 * generation that stops being writable (retired by a cut-over elsewhere, rolled back) has its worker
 * stopped and reports {@link RunState#FAILED} with {@link ProjectionVersionException}; one that
 * becomes writable again (a rollback) starts again. A node whose version waits for an operator
 * reports {@link RunState#STANDBY}. Thread-safe.
 */
public final class GenerationWorker implements ProjectionWorker {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationWorker.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final VersionedProjectionEngine engine;
  private final Function<ProjectionEngine, ProjectionWorker> workers;
  private final @Nullable MeterRegistry meterRegistry;
  private final RunnerSettings settings;
  private final WorkerControl control;
  private final String projectionId;
  private volatile @Nullable ProjectionWorker inner;
  private volatile int generation = 1;
  private volatile boolean building;
  private volatile boolean paused;
  /** Whether the registry says the build of this node's generation is paused. */
  private volatile boolean buildHeld;
  private volatile boolean startRequested;
  private volatile ProjectionStatus idle;
  private volatile @Nullable RebuildProgress progress;
  private final BuildRate rate = new BuildRate();
  private int meteredGeneration;
  private int outageAttempts;
  /** The runner's retry counter of this projection, which its workers count on too. */
  private final @Nullable Counter retries;
  private boolean everStarted;
  /** The verified cut-over this node's build was refused, if it was: it is not tried again. */
  private volatile @Nullable GenerationMismatchException refusedCutOver;
  private @Nullable Instant startupBegan;
  private Duration nextWait = Duration.ZERO;

  /**
   * @param workers makes the worker that runs one generation's engine (what the runner would make for
   *     an engine without generations)
   */
  public GenerationWorker(VersionedProjectionEngine engine,
      Function<ProjectionEngine, ProjectionWorker> workers, RunnerSettings settings,
      @Nullable MeterRegistry meterRegistry) {
    this.engine = engine;
    this.settings = settings;
    this.workers = workers;
    this.meterRegistry = meterRegistry;
    this.projectionId = engine.projectionId();
    this.control = new WorkerControl("projection-" + projectionId + "-generations", null);
    this.retries = meterRegistry == null ? null : Counter.builder(MetricNames.RETRIES)
        .tag(MetricNames.TAG_PROJECTION, projectionId)
        .description("retries after handler failures and store outages").register(meterRegistry);
    this.idle = new ProjectionStatus(projectionId, RunState.STOPPED, 0, 0, 0, Duration.ZERO, true,
        null, 0, 0, false, null);
  }

  @Override
  public String projectionId() {
    return projectionId;
  }

  /** The worker running this node's generation, if it runs one now. */
  public Optional<ProjectionWorker> inner() {
    return Optional.ofNullable(inner);
  }

  @Override
  public void start() {
    idle = idleState(RunState.WAITING_FOR_STORE, null);
    control.start(this::run);
  }

  @Override
  public void requestStop() {
    control.requestStop();
  }

  @Override
  public void join(Duration timeout) {
    control.join(timeout);
  }

  @Override
  public void pause() {
    paused = true;
    ProjectionWorker current = inner;
    if (current != null) {
      current.pause();
    }
  }

  @Override
  public void resume() {
    paused = false;
    ProjectionWorker current = inner;
    if (current != null && !buildHeld) {
      current.resume();
    }
  }

  @Override
  public void whilePaused(Consumer<ProjectionOperations> operation) {
    ProjectionWorker current = inner;
    if (current != null) {
      current.whilePaused(operation);
    } else {
      operation.accept(engine.operations());
    }
  }

  /**
   * Starts building this node's version beside the live one, as an operator's command; this node
   * starts on it at its next look at the registry.
   *
   * @throws IllegalStateException if this version is live, or another is being built
   */
  public Generation startRebuild() {
    Generation started = engine.control().startRebuild();
    startRequested = true;
    return started;
  }

  @Override
  public boolean awaitPosition(long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ProjectionWorker current = inner;
    while (current == null) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(20);
      current = inner;
    }
    return current.awaitPosition(target, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  @Override
  public ProjectionStatus status() {
    ProjectionWorker current = inner;
    ProjectionStatus base = current == null ? idle : current.status();
    ProjectionStatus status = base.ofGeneration(projectionId, generation, building ? progress : null);
    GenerationMismatchException refused = refusedCutOver;
    return refused == null || !building ? status
        : status.withLastError(refused.getMessage().lines().findFirst().orElse(""));
  }

  // ---- the thread

  private void run() {
    try {
      while (control.next() != WorkerControl.Next.STOP) {
        nextWait = engine.settings().refresh();
        tick();
        control.sleep(nextWait);
      }
    } catch (RuntimeException | Error unexpected) {
      idle = idleState(RunState.FAILED, "the generation thread of projection '" + projectionId
          + "' ended unexpectedly: " + unexpected);
      LOG.error("projection '{}': its generation thread ended unexpectedly", projectionId,
          unexpected);
    } finally {
      stopInner();
      if (idle.state() != RunState.FAILED) {
        idle = idleState(RunState.STOPPED, idle.lastError());
      }
      control.ended();
    }
  }

  private void tick() {
    if (inner == null) {
      startIfAllowed();
      return;
    }
    try {
      List<Generation> generations = engine.control().list();
      Generation mine = generations.stream().filter(g -> g.number() == generation).findFirst()
          .orElse(null);
      if (mine == null || (mine.state() != Generation.State.LIVE
          && mine.state() != Generation.State.BUILDING)) {
        refuse();
        return;
      }
      building = mine.state() == Generation.State.BUILDING;
      holdBuild(building && mine.buildPaused());
      engine.generation(generation).parts().rebuilding(building);
      if (building) {
        follow(mine);
      } else {
        engine.control().dropExpired();
      }
    } catch (ProjectionException e) {
      LOG.warn("projection '{}': reading its generations failed; trying again in {}: {}",
          projectionId, engine.settings().refresh(), e.getMessage());
    } catch (IllegalStateException e) {
      LOG.info("projection '{}': {}", projectionId, e.getMessage());
    }
  }

  /** Follows the registry's pause of the build: holds this node's worker, or lets it go on. */
  private void holdBuild(boolean held) {
    ProjectionWorker current = inner;
    if (held == buildHeld || current == null) {
      return;
    }
    buildHeld = held;
    if (held) {
      current.pause();
    } else if (!paused) {
      current.resume();
    }
    LOG.info("projection '{}': the build of generation {} {} on this node", projectionId,
        generation, held ? "holds, paused by an operator" : "goes on, resumed by an operator");
  }

  private void startIfAllowed() {
    GenerationControl.Role role;
    if (startupBegan == null) {
      startupBegan = settings.clock().instant();
    }
    try {
      role = engine.resolve(startRequested);
      outageAttempts = 0;
    } catch (ProjectionVersionException e) {
      idle = idleState(RunState.FAILED, e.getMessage());
      return;
    } catch (ProjectionException e) {
      waitForStore(e);
      return;
    }
    if (role instanceof GenerationControl.Role.Wait wait) {
      idle = idleState(RunState.STANDBY, wait.why());
      return;
    }
    GenerationControl.Role.Write write = (GenerationControl.Role.Write) role;
    generation = write.number();
    building = write.building();
    rate.reset();
    ProjectionWorker started = workers.apply(engine.generation(generation).engine());
    buildHeld = building && engine.control().building().map(Generation::buildPaused).orElse(false);
    if (paused || buildHeld) {
      started.pause();
    }
    inner = started;
    everStarted = true;
    try {
      started.start();
    } catch (RejectedExecutionException e) {
      inner = null;
      idle = idleState(RunState.FAILED, started.status().lastError());
      return;
    }
    LOG.info("projection '{}': this node (version '{}') writes generation {}{}", projectionId,
        engine.settings().version(), generation, building ? ", being built beside the live one" : "");
  }

  /** The store did not answer which generation to write: wait with backoff, up to the start-up limit. */
  private void waitForStore(ProjectionException failure) {
    Instant began = startupBegan;
    boolean limitPassed = !everStarted && began != null && settings.startupWait()
        .map(limit -> Duration.between(began, settings.clock().instant()).compareTo(limit) >= 0)
        .orElse(false);
    if (limitPassed || failure.kind() == FailureKind.FATAL) {
      idle = idleState(RunState.FAILED, "projection '" + projectionId + "': the store did not"
          + " answer which generation to write" + (limitPassed ? " within the start-up limit of "
          + settings.startupWait().orElseThrow() : "") + ": " + failure.getMessage());
      nextWait = engine.settings().refresh();
      return;
    }
    outageAttempts++;
    if (retries != null) {
      retries.increment();
    }
    ProjectionStatus last = idle;
    idle = new ProjectionStatus(projectionId, everStarted ? RunState.RETRYING
        : RunState.WAITING_FOR_STORE, last.position(), last.headPosition(), last.lagEvents(),
        last.lagTime(), last.healthy(), failure.getMessage(), 0, last.deadLetters(), true,
        last.outageSince() != null ? last.outageSince() : settings.clock().instant());
    nextWait = settings.outageBackoff().delay(Math.min(outageAttempts, 30));
  }

  /** This generation may no longer be written: its worker stops and the node reports why. */
  private void refuse() {
    stopInner();
    building = false;
    engine.forgetRole();
    try {
      engine.resolve(false);
      idle = idleState(RunState.STANDBY, null);
    } catch (ProjectionVersionException e) {
      idle = idleState(RunState.FAILED, e.getMessage());
      LOG.error("projection '{}': {}", projectionId, e.getMessage());
    }
    engine.forgetRole();
  }

  /** Records the build's progress and cuts over once it has caught up, if automatic. */
  private void follow(Generation mine) {
    ProjectionWorker current = inner;
    if (current == null) {
      return;
    }
    ProjectionStatus status = current.status();
    progress = rate.sample(mine, status, System.nanoTime());
    meter(mine.number());
    long remaining = Math.max(0, status.headPosition() - status.position());
    boolean caughtUp = (status.state() == RunState.RUNNING || status.state() == RunState.CATCHING_UP)
        && status.healthy() && remaining <= engine.settings().cutOverLag();
    if (caughtUp && engine.settings().automaticCutOver() && refusedCutOver == null && !buildHeld) {
      try {
        engine.control().cutOver();
      } catch (GenerationStateException notAtTheSamePosition) {
        return;
      } catch (GenerationMismatchException refused) {
        refusedCutOver = refused;
        LOG.error("projection '{}': {}", projectionId, refused.getMessage());
        return;
      }
      building = false;
      engine.generation(generation).parts().rebuilding(false);
      engine.livePointer().refresh();
    }
  }

  private void meter(int number) {
    if (meterRegistry != null && meteredGeneration != number) {
      meteredGeneration = number;
      RebuildMeters.register(meterRegistry, projectionId, number, this, worker -> worker.progress);
    }
  }

  private void stopInner() {
    ProjectionWorker current = inner;
    if (current != null) {
      current.requestStop();
      current.join(STOP_TIMEOUT);
      ProjectionStatus last = current.status();
      idle = new ProjectionStatus(projectionId, RunState.STOPPED, last.position(),
          last.headPosition(), last.lagEvents(), last.lagTime(), last.healthy(), last.lastError(),
          0, last.deadLetters(), last.stale(), last.outageSince());
      inner = null;
      buildHeld = false;
    }
  }

  private ProjectionStatus idleState(RunState state, @Nullable String error) {
    ProjectionStatus last = idle;
    return new ProjectionStatus(projectionId, state, last.position(), last.headPosition(),
        last.lagEvents(), last.lagTime(), state != RunState.FAILED && last.healthy(), error, 0,
        last.deadLetters(), last.stale(), last.outageSince());
  }
}
