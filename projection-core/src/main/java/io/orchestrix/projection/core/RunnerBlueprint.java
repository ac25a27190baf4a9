package io.orchestrix.projection.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.internal.ExecutorCapacity;
import io.orchestrix.projection.core.internal.RunnerSettings;
import io.orchestrix.projection.core.internal.RunnerWorkers;
import io.orchestrix.projection.spi.LeaseNames;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link ProjectionRunner.Builder}, the only subclass: each setter checks its
 * argument at once; {@link #workers()} checks what needs every setting together and makes the
 * runner's workers. Kept apart from the runner, which only drives the workers. Not thread-safe.
 */
abstract sealed class RunnerBlueprint permits ProjectionRunner.Builder {

  private final EventSource source;
  private final Map<String, ProjectionEngine> engines = new LinkedHashMap<>();
  private int batchSize = ProjectionRunner.Builder.DEFAULT_BATCH_SIZE;
  private Duration maxIdleWait = ProjectionRunner.Builder.DEFAULT_MAX_IDLE_WAIT;
  private Backoff outageBackoff = ProjectionRunner.Builder.DEFAULT_OUTAGE_BACKOFF;
  private @Nullable Duration startupLimit;
  private Clock clock = Clock.systemUTC();
  private @Nullable MeterRegistry meterRegistry;
  private @Nullable String node;
  private Duration leaseTime = ProjectionRunner.Builder.DEFAULT_LEASE_TIME;
  private @Nullable Executor executor;

  /**
   * @param source where the runner reads events from
   * @throws NullPointerException if {@code source} is null
   */
  RunnerBlueprint(EventSource source) {
    this.source = Objects.requireNonNull(source, "source must not be null");
  }

  /**
   * Adds a projection. What a handler failure does is the engine's {@link FailurePolicy}.
   *
   * @param engine the projection's engine; the runner drives it from now on, so nothing else should
   * @return this builder
   * @throws NullPointerException if {@code engine} is null
   * @throws IllegalArgumentException if a projection with the same id was added
   */
  public ProjectionRunner.Builder projection(ProjectionEngine engine) {
    add(engine);
    return self();
  }

  /**
   * Events per page read from the source, each processed as one batch. Default 1,000.
   *
   * @param batchSize the most events per page
   * @return this builder
   * @throws IllegalArgumentException if the size is not 1 to 100,000
   */
  public ProjectionRunner.Builder batchSize(int batchSize) {
    this.batchSize = RunnerSettings.requireBatchSize(batchSize);
    return self();
  }

  /**
   * The longest a caught-up projection waits before it looks at the source again; with a source
   * that notifies appends it wakes at once. This bounds the lag in steady state. Default 200 ms.
   *
   * @param maxIdleWait the longest wait between looks; not null
   * @return this builder
   * @throws NullPointerException if {@code maxIdleWait} is null
   * @throws IllegalArgumentException if the wait is not positive or longer than 10 minutes
   */
  public ProjectionRunner.Builder maxIdleWait(Duration maxIdleWait) {
    this.maxIdleWait = RunnerSettings.requireMaxIdleWait(maxIdleWait);
    return self();
  }

  /**
   * The waits between attempts while the store or source is out, or another writer holds the
   * projection. Default {@link ProjectionRunner.Builder#DEFAULT_OUTAGE_BACKOFF}.
   *
   * @param outageBackoff the waits between attempts; not null
   * @return this builder
   * @throws NullPointerException if {@code outageBackoff} is null
   */
  public ProjectionRunner.Builder outageBackoff(Backoff outageBackoff) {
    this.outageBackoff = Objects.requireNonNull(outageBackoff, "outageBackoff must not be null");
    return self();
  }

  /**
   * How long a projection waits for its store at start-up (open, schema, claim) before it fails
   * with a {@link io.orchestrix.projection.StoreException} naming the cause. Default: it waits for
   * ever, reporting {@link ProjectionStatus.RunState#WAITING_FOR_STORE}.
   *
   * @param startupLimit the longest wait at start-up; not null
   * @return this builder
   * @throws NullPointerException if {@code startupLimit} is null
   * @throws IllegalArgumentException if the limit is not positive
   */
  public ProjectionRunner.Builder startupLimit(Duration startupLimit) {
    this.startupLimit = RunnerSettings.requireStartupLimit(startupLimit);
    return self();
  }

  /**
   * The clock for lag and outage times. Default: the UTC system clock.
   *
   * @param clock the clock; not null
   * @return this builder
   * @throws NullPointerException if {@code clock} is null
   */
  public ProjectionRunner.Builder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    return self();
  }

  /**
   * Where to record the runner's meters (lag, retries, dead letters). Default: none.
   *
   * @param meterRegistry the registry; not null
   * @return this builder
   * @throws NullPointerException if {@code meterRegistry} is null
   */
  public ProjectionRunner.Builder meterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry must not be null");
    return self();
  }

  /**
   * This node's name among the nodes that run the same projections on the same store. With a name,
   * every projection is shared out by leases in its store: each partition is processed by one node
   * at a time, and a projection of one partition runs active/standby. A partitioned projection is
   * always shared out by leases; without a name its node is named after the host and process.
   *
   * @throws IllegalArgumentException if the name is not 1 to 120 characters of letters, digits,
   *     '-', '_', '.', '#' and ':'
   * @param node this node's name; not null
   * @return this builder
   * @throws NullPointerException if {@code node} is null
   */
  public ProjectionRunner.Builder node(String node) {
    Objects.requireNonNull(node, "node must not be null");
    try {
      LeaseNames.requireGroup(node);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "node: " + e.getMessage().replace("lease group", "a node name"), e);
    }
    this.node = node;
    return self();
  }

  /**
   * How long a node's lease on a partition, and its heartbeat, last unless renewed; they are renewed
   * every third of it. A partition of a node that died passes to another within about this time. A
   * node that pauses longer (GC, network) is fenced and commits nothing more. Default 10 s.
   *
   * @param leaseTime how long a lease lasts; not null
   * @return this builder
   * @throws NullPointerException if {@code leaseTime} is null
   * @throws IllegalArgumentException if not 1 second to 10 minutes
   */
  public ProjectionRunner.Builder leaseTime(Duration leaseTime) {
    this.leaseTime = RunnerSettings.requireLeaseTime(leaseTime);
    return self();
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
   * @param executor what runs the processing loops; not null, never shut down by the runner
   * @return this builder
   * @throws NullPointerException if {@code executor} is null
   * @throws IllegalArgumentException at {@link ProjectionRunner.Builder#build()}, if the executor is a
   *     {@link java.util.concurrent.ThreadPoolExecutor} or {@link java.util.concurrent.ForkJoinPool}
   *     that runs fewer tasks at once than the projections have partitions (naming both numbers)
   */
  public ProjectionRunner.Builder executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor must not be null");
    return self();
  }

  /**
   * Adds a projection, in registration order.
   *
   * @param engine the projection's engine
   * @throws NullPointerException if {@code engine} is null
   * @throws IllegalArgumentException if a projection with the same id was added
   */
  private void add(ProjectionEngine engine) {
    Objects.requireNonNull(engine, "engine must not be null");
    if (engines.containsKey(engine.projectionId())) {
      throw new IllegalArgumentException(
          "projection: '" + engine.projectionId() + "' is added twice");
    }
    engines.put(engine.projectionId(), engine);
  }

  /**
   * {@return the builder this is}
   */
  private ProjectionRunner.Builder self() {
    return (ProjectionRunner.Builder) this;
  }

  /**
   * The workers of a runner built from what was given, none started.
   *
   * @return one worker per projection added
   * @throws IllegalArgumentException if no projection was added, or the executor runs fewer tasks at
   *     once than the projections have partitions
   */
  final RunnerWorkers workers() {
    if (engines.isEmpty()) {
      throw new IllegalArgumentException("a runner needs at least one projection");
    }
    if (executor != null) {
      ExecutorCapacity.require(executor,
          engines.values().stream().mapToInt(ProjectionEngine::partitions).sum());
    }
    RunnerSettings settings = new RunnerSettings(batchSize, maxIdleWait, outageBackoff,
        startupLimit, clock, executor);
    return RunnerWorkers.create(engines, source, settings, node, leaseTime, meterRegistry);
  }
}
