package io.orchestrix.projection.core;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.NodeStatus;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionHealth;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.internal.GenerationWorker;
import io.orchestrix.projection.core.internal.RunnerWorkers;
import io.orchestrix.projection.core.internal.PartitionCoordinator;
import io.orchestrix.projection.core.internal.ProjectionWorker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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

  /**
   * Starts building a runner.
   *
   * @param source where every projection of the runner reads its events from; not null
   * @return a builder with every setting at its default and no projection yet
   * @throws NullPointerException if {@code source} is null
   */
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

  /**
   * Stops every projection, letting each batch in flight finish, and waits up to the timeout for
   * them; what still runs then is interrupted. Idempotent.
   *
   * @param timeout the longest wait, over all projections together; not null, zero or negative to
   *     wait for none
   */
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

  /**
   * Pauses a projection after its batch in flight; it keeps its place. Returns at once.
   *
   * @param projectionId the projection's id
   * @throws java.util.NoSuchElementException if the runner has no such projection
   */
  public void pause(String projectionId) {
    worker(projectionId).pause();
  }

  /**
   * Resumes a paused or failed projection; a projection stopped at a failed event retries it with
   * its attempts afresh.
   *
   * @param projectionId the projection's id
   * @throws java.util.NoSuchElementException if the runner has no such projection
   */
  public void resume(String projectionId) {
    worker(projectionId).resume();
  }

  /**
   * Rebuilds a projection from scratch: pauses it, clears its read models, dead letters and checkpoint
   * ({@link io.orchestrix.projection.ProjectionOperations#reset()}), and resumes it from the first
   * event. Returns once the projection is cleared, not once it has caught up.
   *
   * @param projectionId the projection's id
   * @throws java.util.NoSuchElementException if the runner has no such projection
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
   * @param projectionId the projection's id
   * @param mode how to rebuild it; not null
   * @throws java.util.NoSuchElementException if the runner has no such projection
   * @throws IllegalArgumentException for {@code BLUE_GREEN}, if the projection has no generations
   *     (no version was declared)
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
   * {@link io.orchestrix.projection.ProjectionOperations#resetTo(long)}): the projection next
   * processes the events after that position.
   *
   * @param projectionId the projection's id
   * @param position the source position to continue after; 0 to start from the first event
   * @throws java.util.NoSuchElementException if the runner has no such projection
   */
  public void resetTo(String projectionId, long position) {
    worker(projectionId).whilePaused(operations -> operations.resetTo(position));
  }

  /**
   * Runs an operator's action on a projection (for example retrying or discarding dead letters)
   * while its thread holds between batches, and returns the action's result; the projection then
   * goes on as before (a paused projection stays paused). The action runs on the calling thread.
   *
   * @param <T> what the action returns
   * @param projectionId the projection's id
   * @param action what to do with the projection's operations; not null
   * @return what the action returned, which may be null
   * @throws java.util.NoSuchElementException if the runner has no such projection
   * @throws RuntimeException whatever the action throws, unchanged
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
   * @param projectionId the projection's id
   * @param position the source position to wait for
   * @param timeout the longest wait; not null
   * @return true if the checkpoint reached the position within the timeout
   * @throws InterruptedException if the waiting thread is interrupted
   * @throws java.util.NoSuchElementException if the runner has no such projection
   */
  public boolean awaitPosition(String projectionId, long position, Duration timeout)
      throws InterruptedException {
    return worker(projectionId).awaitPosition(position, timeout);
  }

  /**
   * {@return the status of one projection; never touches the store}
   *
   * @param projectionId the projection's id
   * @throws java.util.NoSuchElementException if the runner has no such projection
   */
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
   *
   * @return whether the runner is up, with every projection's status in registration order
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
   * @param projectionId the projection's id
   * @return one status per partition
   * @throws java.util.NoSuchElementException if the runner has no such projection
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
   * @param projectionId the projection's id
   * @return one status per node
   * @throws java.util.NoSuchElementException if the runner has no such projection
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
   * {@link IllegalArgumentException} naming the setting and the value (the setters are declared in
   * a package-private superclass, and documented here).
   */
  public static final class Builder extends RunnerBlueprint {
    /** Default events per page and batch. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** Default longest wait between polls of a source without notifications. */
    public static final Duration DEFAULT_MAX_IDLE_WAIT = Duration.ofMillis(200);
    /** Default time a node's lease on a partition lasts unless renewed. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(10);
    /** Default waits between attempts during a store or source outage: 100 ms doubling to 5 s. */
    public static final Backoff DEFAULT_OUTAGE_BACKOFF = Backoff.DEFAULT;

    private Builder(EventSource source) {
      super(source);
    }

    /**
     * The runner, not yet started. The builder may be used again; each runner then built drives the
     * same engines, so build one runner per set of engines.
     *
     * @return a runner of every projection added, with the settings given
     * @throws IllegalArgumentException if no projection was added, or the {@link #executor} runs
     *     too few tasks at once
     */
    public ProjectionRunner build() {
      return new ProjectionRunner(workers());
    }
  }
}
