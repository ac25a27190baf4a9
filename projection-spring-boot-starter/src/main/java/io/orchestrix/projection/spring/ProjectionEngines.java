package io.orchestrix.projection.spring;

import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionHealth;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.ProjectionRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The application's projections: one {@link ProjectionEngine} per {@link Projection} bean, and the
 * {@link ProjectionRunner} that keeps them up to date (absent when there is no projection). A bean of
 * the application context; its runner starts and stops with the context.
 *
 * <p>Thread-safe and immutable after construction.
 */
public final class ProjectionEngines {

  private final Map<String, ProjectionEngine> engines;
  private final @Nullable ProjectionRunner runner;
  private final boolean runByLeases;

  /**
   * @param engines the engines by projection id, in registration order
   * @param runner the runner over those engines, or null if there are none
   * @param runByLeases whether the runner shares the projections' partitions among nodes by leases
   */
  public ProjectionEngines(Map<String, ProjectionEngine> engines, @Nullable ProjectionRunner runner,
      boolean runByLeases) {
    this.engines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(engines));
    this.runner = runner;
    this.runByLeases = runByLeases;
  }

  /**
   * Each partition of a projection run by leases, with its owner, lease, state and position as this
   * node last saw them; empty when the projections are not run by leases. Never touches the store.
   *
   * @param projectionId the projection's id
   * @return one status per partition; empty when not run by leases
   * @throws NoSuchElementException if there is no such projection
   */
  public List<PartitionStatus> partitions(String projectionId) {
    engine(projectionId);
    return runByLeases && runner != null ? runner.partitions(projectionId) : List.of();
  }

  /** {@return the ids of the projections, in registration order; unmodifiable} */
  public Set<String> ids() {
    return engines.keySet();
  }

  /**
   * The engine of a projection.
   *
   * @param projectionId the projection's id
   * @return its engine
   * @throws NoSuchElementException naming the projections there are if there is no such projection
   */
  public ProjectionEngine engine(String projectionId) {
    ProjectionEngine engine = engines.get(projectionId);
    if (engine == null) {
      throw new NoSuchElementException(
          "no projection '" + projectionId + "' in this application; there are " + engines.keySet());
    }
    return engine;
  }

  /** {@return the runner, absent when the application has no projection} */
  public Optional<ProjectionRunner> runner() {
    return Optional.ofNullable(runner);
  }

  /**
   * {@return the status of every projection, in registration order; empty when there is none} Never
   * touches the store.
   */
  public List<ProjectionStatus> statuses() {
    return runner == null ? List.of() : runner.statuses();
  }

  /**
   * {@return the runner's health; up with no projections when there are none} Never throws.
   */
  public ProjectionHealth health() {
    return runner == null ? new ProjectionHealth(true, List.of()) : runner.health();
  }
}
