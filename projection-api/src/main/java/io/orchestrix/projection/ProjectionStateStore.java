package io.orchestrix.projection;

import java.util.Optional;

/**
 * A store of projection state, read models and dead letters, as an application holds it: open one by
 * URI ({@code ProjectionStores.open} in projection-core) or from a store module, hand it to an engine,
 * and close it when the application stops. Keeps each projection's {@link ProjectionState} with
 * {@link #loadState} and {@link #saveState}.
 *
 * <p>Implementations are thread-safe. {@link #saveState} overwrites unconditionally; the engine itself
 * moves the checkpoint only through the store's atomic, fenced commit, so use {@code saveState} for
 * administration and tests, not beside a running engine.
 */
public interface ProjectionStateStore extends AutoCloseable {

  /**
   * The stored state of a projection.
   *
   * @param projectionId the projection's id or a partition's key; not null
   * @return the state, or empty if the projection has never been stored
   * @throws StoreException if the store cannot be read
   */
  Optional<ProjectionState> loadState(String projectionId);

  /**
   * Stores the state, replacing any earlier one for the same projection id.
   *
   * @param state the state to store; not null
   * @throws StoreException if the store cannot be written; then nothing was changed
   */
  void saveState(ProjectionState state);

  /** {@return a description for messages and logs: the URI without its password, or a name} */
  String description();

  /** Releases the connections and pools this store opened; idempotent. */
  @Override
  void close();
}
