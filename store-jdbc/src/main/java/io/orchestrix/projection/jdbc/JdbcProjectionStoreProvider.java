package io.orchestrix.projection.jdbc;

import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ProjectionStoreProvider;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link JdbcProjectionStore}s for {@code jdbc:postgresql}, {@code jdbc:mariadb} and
 * {@code jdbc:h2} URLs, found by {@code ProjectionStores} (projection-core). Properties are
 * those of {@link JdbcStoreOptions#PROPERTY_KEYS}; unknown keys are refused. Thread-safe; the
 * constructor does no I/O.
 */
public final class JdbcProjectionStoreProvider implements ProjectionStoreProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public JdbcProjectionStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return JdbcDatabase.schemes();
  }

  @Override
  public ProjectionStore open(String uri, Map<String, String> properties) {
    return JdbcProjectionStore.open(uri, properties);
  }
}
