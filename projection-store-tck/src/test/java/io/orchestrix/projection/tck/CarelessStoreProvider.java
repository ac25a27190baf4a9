package io.orchestrix.projection.tck;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ProjectionStoreProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens {@code careless://} stores the way the configuration contract forbids, for the kit's own
 * tests: it connects to the host and port a URI names before looking at the rest, repeats the whole
 * URI, password included, when it refuses one, and ignores properties. A URI whose path is
 * {@code /open} opens an in-memory store. Thread-safe.
 */
public final class CarelessStoreProvider implements ProjectionStoreProvider {

  /** The scheme this provider opens. */
  static final String SCHEME = "careless";

  private static final Pattern HOST_AND_PORT = Pattern.compile("@?([^@:/,]*):(\\d{1,5})(?:[/,]|$)");

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  @Override
  public ProjectionStore open(String uri, Map<String, String> properties) {
    int authority = uri.indexOf("//");
    Matcher address = HOST_AND_PORT.matcher(authority < 0 ? uri : uri.substring(authority + 2));
    if (address.find()) {
      connectOnce(address.group(1).isEmpty() ? "127.0.0.1" : address.group(1), Integer.parseInt(address.group(2)));
    }
    if (uri.endsWith("/open")) {
      return new InMemoryProjectionStateStore(uri);
    }
    throw new StoreConfigurationException("cannot open " + uri, null);
  }

  private static void connectOnce(String host, int port) {
    if (port < 1 || port > 65535) {
      return;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
    } catch (IOException unreachable) {
      // careless on purpose: it goes on to refuse the URI with a configuration error
    }
  }
}
