package io.orchestrix.projection;

import java.util.List;

/**
 * Whether a runner's projections are healthy, as an application exposes it (a Kubernetes probe, a
 * Spring Boot health indicator). Immutable.
 *
 * @param up true while no projection is stopped at a failed event, failed in its runner, or waiting
 *     for its store past the runner's start-up limit
 * @param projections each projection's status, in the runner's order
 */
public record ProjectionHealth(boolean up, List<ProjectionStatus> projections) {

  /**
   * Copies the statuses.
   *
   * @param up whether the runner counts as healthy
   * @param projections each projection's status; copied
   */
  public ProjectionHealth {
    projections = List.copyOf(projections);
  }
}
