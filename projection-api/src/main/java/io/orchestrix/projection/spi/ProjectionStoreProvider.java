package io.orchestrix.projection.spi;

import java.util.Map;
import java.util.Set;

/**
 * Opens stores for the URI schemes it claims. Registered in
 * {@code META-INF/services/io.orchestrix.projection.spi.ProjectionStoreProvider} and found by
 * {@code io.orchestrix.projection.core.ProjectionStores} (in projection-core). Implementations are thread-safe and have a public
 * no-argument constructor that does no I/O.
 */
public interface ProjectionStoreProvider {

  /**
   * The schemes this provider opens, lower case: {@code memory}, {@code redis}, {@code mongodb}; for
   * JDBC URLs the sub-protocol is part of the scheme ({@code jdbc:postgresql}).
   *
   * @return the schemes, lower case; not empty
   */
  Set<String> schemes();

  /**
   * Opens a store. The store creates or migrates its schema for projection state and dead letters.
   *
   * @param uri the full URI, whose scheme is one of {@link #schemes()}
   * @param properties options documented by the store (table prefix, pool size, ...); unknown keys
   *     are refused
   * @return the open store; the caller closes it
   * @throws io.orchestrix.projection.StoreConfigurationException for a malformed URI or bad property
   * @throws io.orchestrix.projection.StoreException if the server cannot be reached (the message names
   *     the URI without its password)
   */
  ProjectionStore open(String uri, Map<String, String> properties);
}
