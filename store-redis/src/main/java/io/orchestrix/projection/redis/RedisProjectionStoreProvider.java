package io.orchestrix.projection.redis;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ProjectionStoreProvider;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link RedisProjectionStore}s for the schemes {@code redis} and {@code rediss} (TLS); found
 * through {@code META-INF/services} by
 * {@link io.orchestrix.projection.spi.support.ProjectionStoreProviders} (and so by
 * {@code ProjectionStores.open} of projection-core). Stateless and thread-safe; the constructor does
 * no I/O.
 */
public final class RedisProjectionStoreProvider implements ProjectionStoreProvider {

  /** Creates the provider; {@link java.util.ServiceLoader} calls it. */
  public RedisProjectionStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss");
  }

  /** See {@link RedisProjectionStore#open(String, Map)} for the URI and {@link RedisStoreProperties}. */
  @Override
  public ProjectionStore open(String uri, Map<String, String> properties) {
    return RedisProjectionStore.open(uri, properties);
  }
}
