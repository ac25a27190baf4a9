package io.orchestrix.projection.mongo;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ProjectionStoreProvider;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link MongoProjectionStore}s for the {@code mongodb} and {@code mongodb+srv} schemes; found by
 * {@link java.util.ServiceLoader}. Properties are those of {@link MongoStoreOptions}. Thread-safe;
 * the constructor does no I/O.
 */
public final class MongoProjectionStoreProvider implements ProjectionStoreProvider {

  /** The schemes this provider opens. */
  public static final Set<String> SCHEMES = Set.of("mongodb", "mongodb+srv");

  /** For {@link java.util.ServiceLoader}. */
  public MongoProjectionStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  /**
   * {@inheritDoc}
   *
   * @throws io.orchestrix.projection.StoreConfigurationException for a malformed URI, an unknown
   *     property key (named in the message) or a bad property value
   */
  @Override
  public ProjectionStore open(String uri, Map<String, String> properties) {
    return MongoProjectionStore.open(uri, MongoStoreOptions.fromProperties(properties));
  }
}
