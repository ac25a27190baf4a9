package io.orchestrix.projection.core;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ProjectionStoreProvider;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens {@code memory:} stores. {@code memory:} alone is a new, private store each time;
 * {@code memory:NAME} opens a new store over data kept per name for the life of the JVM, so several
 * engines or a query side can share it, each closing its own store. No properties are accepted.
 */
public final class MemoryStoreProvider implements ProjectionStoreProvider {

  private static final Map<String, InMemoryProjectionStateStore> NAMED = new ConcurrentHashMap<>();

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public ProjectionStore open(String uri, Map<String, String> properties) {
    if (!properties.isEmpty()) {
      throw new StoreConfigurationException(
          "the memory store takes no properties but was given " + properties.keySet(), null);
    }
    String name = uri.substring(uri.indexOf(':') + 1);
    if (name.isEmpty()) {
      return new InMemoryProjectionStateStore();
    }
    if (name.startsWith("/") || name.contains("?")) {
      throw new StoreConfigurationException(
          "malformed memory store URI '" + uri + "': use memory: or memory:NAME", null);
    }
    return NAMED.computeIfAbsent(name, n -> new InMemoryProjectionStateStore("memory:" + n))
        .openAnother();
  }
}
