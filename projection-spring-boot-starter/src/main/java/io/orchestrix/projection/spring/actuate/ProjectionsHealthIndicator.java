package io.orchestrix.projection.spring.actuate;

import io.orchestrix.projection.ProjectionHealth;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.spring.ProjectionEngines;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code projections} health: DOWN while a projection is stopped at a failed event or its runner
 * thread failed; UP otherwise, including while a projection waits for its store (an outage the
 * runner rides out, shown with its cause and start), is paused, or is not started. Details name each
 * projection with its state, position, lag, dead letters and last error. Reads the runner's status
 * only: it never touches the store and never throws. Thread-safe.
 */
public final class ProjectionsHealthIndicator implements HealthIndicator {

  private final ProjectionEngines engines;

  /**
   * A health indicator of the application's projections.
   *
   * @param engines the application's projections; not null
   * @throws NullPointerException if {@code engines} is null
   */
  public ProjectionsHealthIndicator(ProjectionEngines engines) {
    this.engines = Objects.requireNonNull(engines, "engines must not be null");
  }

  @Override
  public Health health() {
    ProjectionHealth health = engines.health();
    Health.Builder builder = health.up() ? Health.up() : Health.down();
    for (ProjectionStatus status : health.projections()) {
      builder.withDetail(status.projectionId(), StatusView.of(status, engines.partitions(status.projectionId())));
    }
    return builder.build();
  }
}
