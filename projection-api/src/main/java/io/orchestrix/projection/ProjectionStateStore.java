package io.orchestrix.projection;

import java.util.Optional;

/**
 * Keeps each projection's {@link ProjectionState}, the seed's {@code ProjectionStateStore}.
 *
 * <p>Implementations are thread-safe. {@link #saveState} overwrites unconditionally; the engine itself
 * moves the checkpoint only through the store's atomic, fenced commit
 * ({@link io.orchestrix.projection.spi.ProjectionStore#commit}), so use {@code saveState} for
 * administration and tests, not beside a running engine.
 */
public interface ProjectionStateStore {

  /**
   * The stored state of a projection.
   *
   * @return the state, or empty if the projection has never been stored
   * @throws StoreException if the store cannot be read
   */
  Optional<ProjectionState> loadState(String projectionId);

  /**
   * Stores the state, replacing any earlier one for the same projection id.
   *
   * @throws StoreException if the store cannot be written; then nothing was changed
   */
  void saveState(ProjectionState state);
}
