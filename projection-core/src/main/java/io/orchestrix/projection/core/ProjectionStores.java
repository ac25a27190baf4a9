package io.orchestrix.projection.core;

import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.util.Map;

/**
 * Opens a store by URI through the store providers on the class path, found with
 * {@link java.util.ServiceLoader} by the URI's scheme: {@code memory:}, {@code jdbc:postgresql://...},
 * {@code jdbc:h2:...}, {@code jdbc:mariadb://...}, {@code redis://...}, {@code mongodb://...}. Hand
 * the store to {@link Projections#engine(String)}'s builder, and close it when the application stops.
 *
 * <p>A jar on the class path only adds schemes; it never changes which provider opens a URI whose
 * scheme another jar claims, because two providers for one scheme are an error that names both.
 * Thread-safe.
 */
public final class ProjectionStores {

  private ProjectionStores() {}

  /**
   * Opens the store a URI names, with no extra properties.
   *
   * @param uri the store's URI, such as {@code memory:} or {@code jdbc:postgresql://host/db}
   * @return the open store; the caller closes it
   * @throws io.orchestrix.projection.StoreConfigurationException if the URI is malformed, names no
   *     host or database where its store needs one, or no provider (or two) claims its scheme
   * @throws io.orchestrix.projection.StoreException if the store cannot be reached
   */
  public static ProjectionStateStore open(String uri) {
    return ProjectionStoreProviders.open(uri);
  }

  /**
   * Opens the store a URI names, with the store's properties (table or key prefix, pool size, ...;
   * each store module's README lists them). Unknown properties are refused by name.
   *
   * @param uri the store's URI
   * @param properties the store's properties; not null
   * @return the open store; the caller closes it
   * @throws io.orchestrix.projection.StoreConfigurationException for a malformed URI, an unknown
   *     scheme or a bad property
   * @throws io.orchestrix.projection.StoreException if the store cannot be reached
   */
  public static ProjectionStateStore open(String uri, Map<String, String> properties) {
    return ProjectionStoreProviders.open(uri, properties);
  }

  /**
   * {@return the schemes the providers on the class path open, each with its provider's class name}
   */
  public static Map<String, String> availableSchemes() {
    return ProjectionStoreProviders.availableSchemes();
  }
}
