package io.orchestrix.projection.redis.internal;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.support.StoreUris;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@code redis://} or {@code rediss://} URI taken apart and checked before any connection is made:
 * {@code redis://[user[:password]@]host[:port][/database]}. The host and port checks are those of
 * {@link StoreUris#parseHierarchical}, which is only ever given the URI without its password, so no
 * message can show it. Immutable.
 *
 * @param redacted the URI without its password, for messages
 * @param host the host name or address (an IPv6 address without its brackets)
 * @param port the port, 6379 if the URI names none
 * @param database the database number, 0 if the URI names none
 * @param tls whether the scheme is {@code rediss}
 * @param user the percent-decoded user, if the URI names one
 * @param password the percent-decoded password, if the URI names one
 */
public record RedisUri(String redacted, String host, int port, int database, boolean tls,
    @Nullable String user, @Nullable String password) {

  /** The default Redis port. */
  public static final int DEFAULT_PORT = 6379;

  private static final String FORM =
      "expected redis://[user[:password]@]host[:port][/database] or rediss://...";
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?]");
  private static final Pattern DATABASE = Pattern.compile("[0-9]{1,9}");

  @Override
  public String toString() {
    return "RedisUri[" + redacted + "]";
  }

  /** {@code host:port}, as messages name the server. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Parses a URI.
   *
   * @throws StoreConfigurationException naming the URI without its password and what is wrong
   */
  public static RedisUri parse(String uri) {
    String redacted = redact(uri);
    StoreUris.Hierarchical parsed = StoreUris.parseHierarchical(redacted);
    if (!parsed.scheme().equals("redis") && !parsed.scheme().equals("rediss")) {
      throw bad(redacted, "has scheme '" + parsed.scheme() + "', not redis or rediss");
    }
    if (parsed.hosts().size() != 1) {
      throw bad(redacted, "names " + parsed.hosts().size() + " hosts; the Redis store connects to"
          + " one server");
    }
    if (!parsed.query().isEmpty() || redacted.indexOf('?') >= 0) {
      throw bad(redacted, "has a query; give options as properties (RedisStoreProperties)");
    }
    String hostAndPort = parsed.hosts().get(0);
    int portColon = hostAndPort.indexOf(':', hostAndPort.startsWith("[")
        ? hostAndPort.indexOf(']') : 0);
    String host = portColon < 0 ? hostAndPort : hostAndPort.substring(0, portColon);
    if (!HOST_NAME.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      throw bad(redacted, "has a malformed host '" + host + "'");
    }
    // StoreUris checked that a port, if written, is 1 to 65535
    int port = portColon < 0 ? DEFAULT_PORT : Integer.parseInt(hostAndPort.substring(portColon + 1));
    if (!parsed.path().isEmpty() && !DATABASE.matcher(parsed.path()).matches()) {
      throw bad(redacted, "has the path '/" + parsed.path() + "'; the path is a database number,"
          + " /0 to /15 on a default server");
    }
    int database = parsed.path().isEmpty() ? 0 : Integer.parseInt(parsed.path());

    String user = null;
    String password = null;
    String rest = uri.substring(uri.indexOf("://") + 3);
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      int colon = userInfo.indexOf(':');
      user = decode(redacted, colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(redacted, userInfo.substring(colon + 1));
      if (user.isEmpty()) {
        user = null;
      }
    }
    return new RedisUri(redacted, host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
        port, database, parsed.scheme().equals("rediss"), user, password);
  }

  /**
   * The URI with its password replaced by {@code ****}: {@link StoreUris#redact}, and also the
   * password of a URI it does not recognise as hierarchical ({@code redis:/:secret@host}) or whose
   * password holds a {@code ?}: everything after the first {@code :} of the user info, up to the last
   * {@code @}.
   */
  public static String redact(String uri) {
    String redacted = StoreUris.redact(uri);
    int at = redacted.lastIndexOf('@');
    int scheme = redacted.indexOf(':');
    if (at < 0 || scheme < 0 || scheme > at) {
      return redacted;
    }
    int start = scheme + 1;
    while (start < at && redacted.charAt(start) == '/') {
      start++;
    }
    int colon = redacted.indexOf(':', start);
    if (colon < 0 || colon > at || redacted.substring(colon + 1, at).equals("****")) {
      return redacted;
    }
    return redacted.substring(0, colon + 1) + "****" + redacted.substring(at);
  }

  private static String decode(String redacted, String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad(redacted, "has a malformed %-escape in its user or password");
    }
  }

  private static StoreConfigurationException bad(String redacted, String what) {
    return new StoreConfigurationException(
        "Redis store URI '" + redacted + "' " + what + "; " + FORM, null);
  }
}
