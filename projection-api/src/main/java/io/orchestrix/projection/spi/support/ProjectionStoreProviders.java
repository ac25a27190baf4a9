package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ProjectionStoreProvider;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds the {@link ProjectionStoreProvider} of a URI's scheme and opens its store: the discovery behind
 * {@code ProjectionStores.open} in projection-core, for tools and store authors that need the
 * {@link ProjectionStore} itself. Providers are found with
 * {@link ServiceLoader} by the URI's scheme: {@code memory:}, {@code jdbc:postgresql://...},
 * {@code jdbc:h2:...}, {@code jdbc:mariadb://...}, {@code redis://...}, {@code mongodb://...}.
 *
 * <p>A jar on the class path only adds schemes; it never changes which provider opens a URI whose
 * scheme another jar claims, because two providers for one scheme are an error. Thread-safe.
 */
public final class ProjectionStoreProviders {

  private ProjectionStoreProviders() {}

  /**
   * Opens the store a URI names, with no extra properties.
   *
   * @param uri the store's URI; not null
   * @return the open store; the caller closes it
   * @throws StoreConfigurationException as {@link #open(String, Map)} does
   */
  public static ProjectionStore open(String uri) {
    return open(uri, Map.of());
  }

  /**
   * Opens the store a URI names.
   *
   * @param uri the store's URI; not null
   * @param properties the store's options, checked by its provider; not null
   * @return the open store; the caller closes it
   * @throws StoreConfigurationException if the URI has no scheme, no provider claims its scheme (the
   *     message lists the schemes available), or two providers claim it (the message names both)
   * @throws io.orchestrix.projection.StoreException if the provider cannot open the store
   */
  public static ProjectionStore open(String uri, Map<String, String> properties) {
    Objects.requireNonNull(uri, "uri must not be null");
    Objects.requireNonNull(properties, "properties must not be null");
    String scheme = schemeOf(uri);
    return providerFor(scheme, uri).open(uri, Map.copyOf(properties));
  }

  /**
   * {@return the schemes the providers on the class path open, each with its provider's class name}
   */
  public static Map<String, String> availableSchemes() {
    Map<String, String> schemes = new TreeMap<>();
    for (ProjectionStoreProvider provider : providers()) {
      for (String scheme : provider.schemes()) {
        schemes.merge(scheme, provider.getClass().getName(), (a, b) -> a + ", " + b);
      }
    }
    return schemes;
  }

  /**
   * The scheme of a store URI, lower case; for {@code jdbc:} URLs it includes the sub-protocol.
   *
   * @param uri the store's URI; not null
   * @return the scheme, such as {@code redis} or {@code jdbc:postgresql}
   * @throws StoreConfigurationException if the URI has none
   */
  public static String schemeOf(String uri) {
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      throw new StoreConfigurationException(
          "store URI '" + StoreUris.redact(uri) + "' has no scheme; expected one of "
              + availableSchemes().keySet() + ", for example memory: or jdbc:postgresql://host/db",
          null);
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    if (scheme.equals("jdbc")) {
      int next = uri.indexOf(':', colon + 1);
      if (next <= colon + 1) {
        throw new StoreConfigurationException(
            "JDBC URL '" + StoreUris.redact(uri) + "' has no sub-protocol, for example jdbc:postgresql://host/db",
            null);
      }
      scheme = uri.substring(0, next).toLowerCase(Locale.ROOT);
    }
    for (int i = 0; i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.' || c == ':')) {
        throw new StoreConfigurationException(
            "store URI '" + StoreUris.redact(uri) + "' has a malformed scheme '" + scheme + "'", null);
      }
    }
    return scheme;
  }

  private static ProjectionStoreProvider providerFor(String scheme, String uri) {
    ProjectionStoreProvider found = null;
    for (ProjectionStoreProvider provider : providers()) {
      if (provider.schemes().contains(scheme)) {
        if (found != null) {
          throw new StoreConfigurationException(
              "two store providers claim the scheme '" + scheme + "': "
                  + found.getClass().getName() + " and " + provider.getClass().getName()
                  + "; remove one of their jars from the class path",
              null);
        }
        found = provider;
      }
    }
    if (found == null) {
      throw new StoreConfigurationException(
          "no store provider on the class path opens '" + scheme + "' (URI '" + StoreUris.redact(uri)
              + "'); available schemes: " + availableSchemes().keySet()
              + "; add the store module (store-jdbc, store-redis, store-mongo) as a dependency",
          null);
    }
    return found;
  }

  private static Iterable<ProjectionStoreProvider> providers() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return ServiceLoader.load(ProjectionStoreProvider.class,
        loader != null ? loader : ProjectionStoreProviders.class.getClassLoader());
  }
}
