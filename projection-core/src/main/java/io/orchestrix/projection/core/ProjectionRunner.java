package io.orchestrix.projection.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.NodeStatus;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionHealth;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.internal.ExecutorCapacity;
import io.orchestrix.projection.core.internal.GenerationWorker;
import io.orchestrix.projection.core.internal.RunnerSettings;
import io.orchestrix.projection.core.internal.RunnerWorkers;
import io.orchestrix.projection.core.internal.PartitionCoordinator;
import io.orchestrix.projection.core.internal.ProjectionWorker;
import io.orchestrix.projection.spi.LeaseNames;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Keeps projections up to date from an {@link EventSource}: for each projection it claims the
 * projection, reads a bounded page after the checkpoint, processes it as one batch, commits, and
 * repeats; when caught up it waits for new events (the source's notification if it has one, else
 * polling with backoff up to {@link Builder#maxIdleWait}). Each projection, and each partition this
 * node owns, is processed independently, on a thread of its own or as a task of the
 * {@link Builder#executor executor} given.
 *
 * <h2>Guarantees</h2>
 * Exactly-once effect per projection, as {@link ProjectionEngine}. Memory is bounded by one page per
 * projection whatever the source's size (backpressure: the runner reads only what it can process).
 * A handler failure is handled by the engine's {@link FailurePolicy}; the runner waits out its retries
 * without blocking pause or stop. Every call to the store or source (start-up included) is covered by
 * one outage policy: it is retried with {@link Builder#outageBackoff backoff} for as long as the outage
 * lasts, with nothing lost or applied twice; at start-up only up to {@link Builder#startupLimit}, if
 * one is set. {@link #status} and {@link #health} never touch the store and never throw: during an
 * outage they report the last known state, marked stale. A projection whose thread ends for any
 * reason but {@link #stop()} is reported {@link ProjectionStatus.RunState#FAILED} with the cause.
 * {@link #stop()} lets the batch in flight commit or fail as a whole; it never half-commits.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class ProjectionRunner implements AutoCloseable {

  private final RunnerWorkers workers;

  private ProjectionRunner(RunnerWorkers workers) {
    this.workers = workers;
  }

  /** Starts a runner reading from the given source. */
  public static Builder builder(EventSource source) {
    return new Builder(source);
  }

  /**
   * Starts every projection's thread. Idempotent. Returns at once: start-up shows in the status.
   *
   * @throws ExecutorRejectedException if the runner's executor is shut down or rejects a
   *     projection's loop; the others run, and the next call starts the rejected ones again
   */
  public void start() {
    Map<String, RejectedExecutionException> rejected = workers.startAll();
    if (!rejected.isEmpty()) {
      throw new ExecutorRejectedException(Objects.requireNonNull(workers.executor()),
          List.copyOf(rejected.keySet()), rejected.values().iterator().next());
    }
  }

  /**
   * Stops every projection, letting each batch in flight finish, and waits up to 30 seconds for them.
   * Idempotent.
   */
  public void stop() {
    stop(Duration.ofSeconds(30));
  }

  /** Stops every projection, waiting up to the timeout before interrupting what still runs. */
  public void stop(Duration timeout) {
    workers.all().forEach(ProjectionWorker::requestStop);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProjectionWorker worker : workers.all()) {
      worker.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Pauses a projection after its batch in flight; it keeps its place. */
  public void pause(String projectionId) {
    worker(projectionId).pause();
  }

  /**
   * Resumes a paused or failed projection; a projection stopped at a failed event retries it with
   * its attempts afresh.
   */
  public void resume(String projectionId) {
    worker(projectionId).resume();
  }

  /**
   * Rebuilds a projection from scratch: pauses it, clears its read models, dead letters and checkpoint
   * ({@link io.orchestrix.projection.ProjectionOperations#reset()}), and resumes it from the first
   * event.
   */
  public void rebuild(String projectionId) {
    worker(projectionId).whilePaused(operations -> operations.reset());
  }

  /**
   * Rebuilds a projection as the mode says: {@link RebuildMode#IN_PLACE} as {@link #rebuild(String)};
   * {@link RebuildMode#BLUE_GREEN} starts building this node's version of the projection as a new
   * generation beside the live one, which keeps serving queries and following events until the new
   * generation has caught up and is cut over (see {@link ProjectionEngineBuilder#version(String)}).
   *
   * @throws IllegalStateException for {@code BLUE_GREEN}, if this node's version is the live one
   *     (declare a new version first) or another version is being built
   */
  public void rebuild(String projectionId, RebuildMode mode) {
    Objects.requireNonNull(mode, "mode must not be null");
    if (mode == RebuildMode.IN_PLACE) {
      rebuild(projectionId);
      return;
    }
    if (!(worker(projectionId) instanceof GenerationWorker generations)) {
      throw new IllegalArgumentException("projection '" + projectionId + "' has no generations");
    }
    generations.startRebuild();
  }

  /**
   * Moves a projection's checkpoint while paused (see
   * {@link io.orchestrix.projection.ProjectionOperations#resetTo(long)}).
   */
  public void resetTo(String projectionId, long position) {
    worker(projectionId).whilePaused(operations -> operations.resetTo(position));
  }

  /**
   * Runs an operator's action on a projection (for example retrying or discarding dead letters)
   * while its thread holds between batches, and returns the action's result; the projection then
   * goes on as before (a paused projection stays paused). The action runs on the calling thread.
   *
   * @throws java.util.NoSuchElementException if the runner has no such projection
   */
  public <T> T whileHeld(String projectionId, Function<ProjectionOperations, T> action) {
    Objects.requireNonNull(action, "action must not be null");
    AtomicReference<T> result = new AtomicReference<>();
    worker(projectionId).whilePaused(operations -> result.set(action.apply(operations)));
    return result.get();
  }

  /**
   * Waits until a projection has processed the given position, so that a command side can read its
   * own write.
   *
   * @return true if the checkpoint reached the position within the timeout
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitPosition(String projectionId, long position, Duration timeout)
      throws InterruptedException {
    return worker(projectionId).awaitPosition(position, timeout);
  }

  /** {@return the status of one projection; never touches the store} */
  public ProjectionStatus status(String projectionId) {
    return worker(projectionId).status();
  }

  /** {@return the status of every projection, in registration order; never touches the store} */
  public List<ProjectionStatus> statuses() {
    return workers.all().stream().map(ProjectionWorker::status).toList();
  }

  /**
   * A health report an application can expose (a Kubernetes probe, a Spring Boot health indicator):
   * up while no projection is stopped at a failed event or failed in its runner. Never throws.
   */
  public ProjectionHealth health() {
    List<ProjectionStatus> statuses = statuses();
    return new ProjectionHealth(statuses.stream().noneMatch(ProjectionStatus::isDown), statuses);
  }

  /**
   * Each partition of a projection run by leases (partitioned, or given a {@link Builder#node}): its
   * owner, lease, state and position as this node last saw them; never touches the store. Empty
   * while a versioned projection's node has not yet found which generation it writes.
   *
   * @throws IllegalArgumentException if the projection is not run by leases
   */
  public List<PartitionStatus> partitions(String projectionId) {
    return workers.coordinator(projectionId).map(PartitionCoordinator::partitions)
        .orElse(List.of());
  }

  /**
   * The nodes running a projection by leases, with their last heartbeat, as this node last read
   * them; never touches the store.
   *
   * @throws IllegalArgumentException if the projection is not run by leases
   */
  public List<NodeStatus> nodes(String projectionId) {
    return workers.coordinator(projectionId).map(PartitionCoordinator::nodes).orElse(List.of());
  }

  private ProjectionWorker worker(String projectionId) {
    return workers.get(projectionId);
  }

  /**
   * Builds a {@link ProjectionRunner}. Not thread-safe. Setters check their argument at once and throw
   * {@link IllegalArgumentException} naming the setting and the value.
   */
  public static final class Builder {
    /** Default events per page and batch. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** Default longest wait between polls of a source without notifications. */
    public static final Duration DEFAULT_MAX_IDLE_WAIT = Duration.ofMillis(200);
    /** Default time a node's lease on a partition lasts unless renewed. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(10);
    /** Default waits between attempts during a store or source outage: 100 ms doubling to 5 s. */
    public static final Backoff DEFAULT_OUTAGE_BACKOFF = Backoff.DEFAULT;

    private final EventSource source;
    private final Map<String, ProjectionEngine> engines = new LinkedHashMap<>();
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration maxIdleWait = DEFAULT_MAX_IDLE_WAIT;
    private Backoff outageBackoff = DEFAULT_OUTAGE_BACKOFF;
    private @Nullable Duration startupLimit;
    private Clock clock = Clock.systemUTC();
    private @Nullable MeterRegistry meterRegistry;
    private @Nullable String node;
    private Duration leaseTime = DEFAULT_LEASE_TIME;
    private @Nullable Executor executor;

    private Builder(EventSource source) {
      this.source = Objects.requireNonNull(source, "source must not be null");
    }

    /**
     * Adds a projection. What a handler failure does is the engine's {@link FailurePolicy}.
     *
     * @throws IllegalArgumentException if a projection with the same id was added
     */
    public Builder projection(ProjectionEngine engine) {
      Objects.requireNonNull(engine, "engine must not be null");
      if (engines.containsKey(engine.projectionId())) {
        throw new IllegalArgumentException(
            "projection: '" + engine.projectionId() + "' is added twice");
      }
      engines.put(engine.projectionId(), engine);
      return this;
    }

    /** Events per page read from the source, each processed as one batch. Default 1,000. */
    public Builder batchSize(int batchSize) {
      this.batchSize = RunnerSettings.requireBatchSize(batchSize);
      return this;
    }

    /**
     * The longest a caught-up projection waits before it looks at the source again; with a source
     * that notifies appends it wakes at once. This bounds the lag in steady state. Default 200 ms.
     */
    public Builder maxIdleWait(Duration maxIdleWait) {
      this.maxIdleWait = RunnerSettings.requireMaxIdleWait(maxIdleWait);
      return this;
    }

    /**
     * The waits between attempts while the store or source is out, or another writer holds the
     * projection. Default {@link #DEFAULT_OUTAGE_BACKOFF}.
     */
    public Builder outageBackoff(Backoff outageBackoff) {
      this.outageBackoff = Objects.requireNonNull(outageBackoff, "outageBackoff must not be null");
      return this;
    }

    /**
     * How long a projection waits for its store at start-up (open, schema, claim) before it fails
     * with a {@link io.orchestrix.projection.StoreException} naming the cause. Default: it waits for
     * ever, reporting {@link ProjectionStatus.RunState#WAITING_FOR_STORE}.
     */
    public Builder startupLimit(Duration startupLimit) {
      this.startupLimit = RunnerSettings.requireStartupLimit(startupLimit);
      return this;
    }

    /** {@return the clock for lag and outage times} Default: the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** Where to record the runner's meters (lag, retries, dead letters). Default: none. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry must not be null");
      return this;
    }

    /**
     * This node's name among the nodes that run the same projections on the same store. With a name,
     * every projection is shared out by leases in its store: each partition is processed by one node
     * at a time, and a projection of one partition runs active/standby. A partitioned projection is
     * always shared out by leases; without a name its node is named after the host and process.
     *
     * @throws IllegalArgumentException if the name is not 1 to 120 characters of letters, digits,
     *     '-', '_', '.', '#' and ':'
     */
    public Builder node(String node) {
      Objects.requireNonNull(node, "node must not be null");
      try {
        LeaseNames.requireGroup(node);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "node: " + e.getMessage().replace("lease group", "a node name"), e);
      }
      this.node = node;
      return this;
    }

    /**
     * How long a node's lease on a partition, and its heartbeat, last unless renewed; they are renewed
     * every third of it. A partition of a node that died passes to another within about this time. A
     * node that pauses longer (GC, network) is fenced and commits nothing more. Default 10 s.
     *
     * @throws IllegalArgumentException if not 1 second to 10 minutes
     */
    public Builder leaseTime(Duration leaseTime) {
      this.leaseTime = RunnerSettings.requireLeaseTime(leaseTime);
      return this;
    }

    /**
     * Runs each processing loop (one per projection, or per partition this node owns) as one task of
     * the executor, instead of on a thread of the runner's own; the lease coordinators and generation
     * supervisors keep their own threads. A loop holds its thread until the runner stops or the
     * partition passes to another node, so the executor must run as many tasks at once as the
     * projections have partitions, each on a thread other than the caller's: a task it queues behind
     * busy threads never runs. Memory stays bounded by one page of {@link #batchSize} events per loop.
     * The runner never shuts the executor down. A loop the executor rejects is reported with the
     * executor named: by {@link ProjectionRunner#start()}; for a partition, in its
     * {@link PartitionStatus#lastError()}, given up for another node; for a versioned projection, as
     * {@code FAILED}, tried again. Default: a daemon thread per loop.
     *
     * @throws IllegalArgumentException at {@link #build()}, if the executor is a
     *     {@link java.util.concurrent.ThreadPoolExecutor} or {@link java.util.concurrent.ForkJoinPool}
     *     that runs fewer tasks at once than the projections have partitions (naming both numbers)
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * The runner, not yet started.
     *
     * @throws IllegalArgumentException if no projection was added, or the {@link #executor} runs
     *     too few tasks at once
     */
    public ProjectionRunner build() {
      if (engines.isEmpty()) {
        throw new IllegalArgumentException("a runner needs at least one projection");
      }
      if (executor != null) {
        ExecutorCapacity.require(executor,
            engines.values().stream().mapToInt(ProjectionEngine::partitions).sum());
      }
      RunnerSettings settings = new RunnerSettings(batchSize, maxIdleWait, outageBackoff,
          startupLimit, clock, executor);
      return new ProjectionRunner(RunnerWorkers.create(engines, source, settings, node, leaseTime,
          meterRegistry));
    }
  }
}
