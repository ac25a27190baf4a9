package io.orchestrix.projection.core;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.spi.ProjectionStore;

/**
 * Where users start: {@code Projections.engine("order-summary").store(store).readModel(RM).build()}.
 * Thread-safe; stateless.
 */
public final class Projections {

  private Projections() {}

  /**
   * A builder for an engine with the given projection id.
   *
   * @param projectionId the projection's id
   * @return the builder
   * @throws IllegalArgumentException if the id is not a valid projection id
   */
  public static ProjectionEngineBuilder engine(String projectionId) {
    return new ProjectionEngineBuilder(projectionId);
  }

  /**
   * {@return an engine on the given store with default settings and no read models, as in the seed}
   *
   * @param projectionId the projection's id
   * @param store the store; not null
   */
  public static ProjectionEngine engine(String projectionId, ProjectionStore store) {
    return engine(projectionId).store(store).build();
  }
}
