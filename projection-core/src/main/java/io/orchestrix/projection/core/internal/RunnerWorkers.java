package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The workers of one runner, one per projection in registration order, and which projections are
 * shared out by leases: it chooses and builds each projection's worker and finds it by id. It owns
 * the workers for the runner's lifetime. Immutable after {@link #create} and thread-safe (the workers
 * are thread-safe themselves).
 */
public final class RunnerWorkers {

  private final Map<String, ProjectionWorker> workers;
  /** The projections shared out by leases. */
  private final Set<String> leased;
  private final @Nullable Executor executor;

  private RunnerWorkers(Map<String, ProjectionWorker> workers, Set<String> leased,
      @Nullable Executor executor) {
    this.workers = workers;
    this.leased = leased;
    this.executor = executor;
  }

  /**
   * A worker for each engine: a versioned engine gets a {@link GenerationWorker}; a projection of
   * one partition without a node name a {@link TrackingWorker}; any other a
   * {@link PartitionCoordinator}, on the given node or, without one, a node named after the host and
   * process.
   *
   * @param engines the engines by projection id, in registration order; not empty
   * @param node this node's name, or null
   * @throws IllegalArgumentException if an engine was not built by {@code Projections.engine}
   */
  public static RunnerWorkers create(Map<String, ProjectionEngine> engines, EventSource source,
      RunnerSettings settings, @Nullable String node, Duration leaseTime,
      @Nullable MeterRegistry registry) {
    Map<String, ProjectionWorker> workers = new LinkedHashMap<>();
    Set<String> leased = new HashSet<>();
    engines.forEach((id, engine) -> {
      workers.put(id, engine instanceof VersionedProjectionEngine versioned
          ? new GenerationWorker(versioned,
              generation -> workerFor(generation, source, settings, node, leaseTime, registry),
              settings, registry)
          : workerFor(engine, source, settings, node, leaseTime, registry));
      if (node != null || engine.partitions() > 1) {
        leased.add(id);
      }
    });
    return new RunnerWorkers(workers, Set.copyOf(leased), settings.executor());
  }

  private static ProjectionWorker workerFor(ProjectionEngine engine, EventSource source,
      RunnerSettings settings, @Nullable String node, Duration leaseTime,
      @Nullable MeterRegistry registry) {
    return node == null && engine.partitions() == 1
        ? TrackingWorker.create(engine, source, settings, registry)
        : PartitionCoordinator.create(engine, node == null ? defaultNodeName() : node, leaseTime,
            source, settings, registry);
  }

  /** {@return the executor the processing loops run on; null if each has a thread of its own} */
  public @Nullable Executor executor() {
    return executor;
  }

  /**
   * Starts every worker (idempotent for each), going on past those the executor rejects; starts none
   * if the executor is an {@link ExecutorService} that is shut down.
   *
   * @return the rejections by projection id, in registration order; empty if none
   */
  public Map<String, RejectedExecutionException> startAll() {
    Map<String, RejectedExecutionException> rejected = new LinkedHashMap<>();
    if (executor instanceof ExecutorService service && service.isShutdown()) {
      RejectedExecutionException shutDown = new RejectedExecutionException("it is shut down");
      workers.keySet().forEach(id -> rejected.put(id, shutDown));
      return rejected;
    }
    workers.forEach((id, worker) -> {
      try {
        worker.start();
      } catch (RejectedExecutionException e) {
        rejected.put(id, e);
      }
    });
    return rejected;
  }

  /** {@return every worker, in registration order} */
  public Collection<ProjectionWorker> all() {
    return workers.values();
  }

  /**
   * {@return the worker of a projection}
   *
   * @throws NoSuchElementException if the runner has no such projection, naming those it has
   */
  public ProjectionWorker get(String projectionId) {
    ProjectionWorker worker = workers.get(projectionId);
    if (worker == null) {
      throw new NoSuchElementException("no projection '" + projectionId + "' in this runner; it runs "
          + workers.keySet());
    }
    return worker;
  }

  /**
   * The coordinator of a projection run by leases, once it has one (a versioned projection's node
   * has one only after finding which generation it writes).
   *
   * @throws NoSuchElementException if the runner has no such projection
   * @throws IllegalArgumentException if the projection is not run by leases
   */
  public Optional<PartitionCoordinator> coordinator(String projectionId) {
    ProjectionWorker worker = get(projectionId);
    if (!leased.contains(projectionId)) {
      throw new IllegalArgumentException("projection '" + projectionId + "' is not run by leases:"
          + " it has one partition and the runner was given no node name");
    }
    if (worker instanceof GenerationWorker generations) {
      worker = generations.inner().orElse(worker);
    }
    return worker instanceof PartitionCoordinator coordinator ? Optional.of(coordinator)
        : Optional.empty();
  }

  private static String defaultNodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "node";
    }
    return host.replaceAll("[^A-Za-z0-9._-]", "-") + ":" + ProcessHandle.current().pid();
  }
}
