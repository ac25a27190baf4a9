package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.StoreConfigurationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Store URIs: redaction for messages, and a parse of the hierarchical form
 * {@code scheme://[user[:password]@]host[:port][,host[:port]...][/path][?query]} that refuses, before
 * any connection is made, a URI that names no host or no database. Stateless and thread-safe.
 */
public final class StoreUris {

  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("((?:password|pwd|pass)=)([^&;]*)", Pattern.CASE_INSENSITIVE);

  private StoreUris() {}

  /**
   * The URI with any password replaced by {@code ****}, for messages and logs: the user-info password
   * ({@code //user:secret@host}) and {@code password=}, {@code pwd=} and {@code pass=} parameters.
   *
   * @param uri the URI to redact; not null
   * @return the URI without its passwords
   */
  public static String redact(String uri) {
    return PASSWORD_PARAMETER.matcher(redactUserInfo(uri)).replaceAll("$1****");
  }

  /**
   * Masks the password of the user info: what follows the user's ':' up to the last '@', so that a
   * password holding '/', '?', '@' or ':' is masked whole (a '@' later in the query makes it mask
   * more than the password, never less). The user info starts after {@code //}, or after the scheme
   * and any '/' when there is no {@code //}; a candidate whose user part holds '/', '?', '&' or '#'
   * is a path or query, not a user.
   */
  private static String redactUserInfo(String uri) {
    int start = uri.indexOf("//");
    if (start >= 0) {
      start += 2;
    } else {
      start = uri.indexOf(':') + 1;
      while (start < uri.length() && uri.charAt(start) == '/') {
        start++;
      }
    }
    int at = uri.lastIndexOf('@');
    if (start <= 0 || at < start) {
      return uri;
    }
    String candidate = uri.substring(start, at);
    int colon = candidate.indexOf(':');
    if (colon < 0 || candidate.substring(0, colon).matches(".*[/?&#].*")) {
      return uri;
    }
    return uri.substring(0, start + colon + 1) + "****" + uri.substring(at);
  }

  /**
   * A hierarchical store URI taken apart. Immutable.
   *
   * @param scheme the scheme, lower case ({@code jdbc:postgresql}, {@code redis})
   * @param hosts the hosts with their ports as written, at least one
   * @param path the path after the hosts without its leading '/', empty if none
   * @param query the query parameters in order; a parameter without '=' maps to the empty string
   * @param redacted the whole URI without its password, for messages
   */
  public record Hierarchical(
      String scheme, List<String> hosts, String path, Map<String, String> query, String redacted) {

    /**
     * Copies the hosts and query, keeping their order.
     *
     * @param scheme the scheme, lower case
     * @param hosts the hosts with their ports as written, at least one
     * @param path the path after the hosts, empty if none
     * @param query the query parameters in order
     * @param redacted the whole URI without its password
     */
    public Hierarchical {
      hosts = List.copyOf(hosts);
      query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    }

    /**
     * The first path segment, which most stores read as the database name.
     *
     * @param what what the segment names, for the message ("database", "database number")
     * @return the first path segment
     * @throws StoreConfigurationException if the path is empty
     */
    public String requireDatabase(String what) {
      String database = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
      if (database.isBlank()) {
        throw new StoreConfigurationException("store URI '" + redacted + "' names no " + what
            + "; write it after the host, for example " + scheme + "://" + hosts.get(0) + "/"
            + ("database".equals(what) ? "mydb" : "0"), null);
      }
      return database;
    }

    /** {@return the first path segment, if there is one} */
    public Optional<String> database() {
      String database = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
      return database.isBlank() ? Optional.empty() : Optional.of(database);
    }
  }

  /**
   * Parses {@code scheme://hosts/path?query}.
   *
   * @param uri the URI to parse; not null
   * @return the URI's parts
   * @throws StoreConfigurationException naming the redacted URI if it does not have that form or
   *     names no host
   */
  public static Hierarchical parseHierarchical(String uri) {
    String redacted = redact(uri);
    int marker = uri.indexOf("://");
    if (marker <= 0) {
      throw new StoreConfigurationException("store URI '" + redacted
          + "' is not of the form scheme://host[:port]/...", null);
    }
    String scheme = uri.substring(0, marker).toLowerCase(Locale.ROOT);
    String rest = uri.substring(marker + 3);
    int queryStart = rest.indexOf('?');
    String query = queryStart < 0 ? "" : rest.substring(queryStart + 1);
    String authorityAndPath = queryStart < 0 ? rest : rest.substring(0, queryStart);
    int at = authorityAndPath.lastIndexOf('@');
    String afterUser = at < 0 ? authorityAndPath : authorityAndPath.substring(at + 1);
    int slash = afterUser.indexOf('/');
    String authority = slash < 0 ? afterUser : afterUser.substring(0, slash);
    String path = slash < 0 ? "" : afterUser.substring(slash + 1);
    List<String> hosts = new ArrayList<>();
    for (String host : authority.split(",", -1)) {
      String name = hostName(host);
      if (name.isBlank()) {
        throw new StoreConfigurationException("store URI '" + redacted + "' names no host"
            + (authority.isEmpty() ? "" : " in '" + authority + "'") + "; write one after '"
            + scheme + "://', for example " + scheme + "://127.0.0.1/...", null);
      }
      requirePort(host, redacted);
      hosts.add(host);
    }
    return new Hierarchical(scheme, List.copyOf(hosts), path, parseQuery(query), redacted);
  }

  private static String hostName(String host) {
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close < 0 ? "" : host.substring(1, close);
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private static void requirePort(String host, String redacted) {
    int close = host.startsWith("[") ? host.indexOf(']') : -1;
    int colon = host.indexOf(':', Math.max(close, 0));
    if (colon < 0) {
      return;
    }
    String port = host.substring(colon + 1);
    boolean valid = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(Character::isDigit)
        && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    if (!valid) {
      throw new StoreConfigurationException("store URI '" + redacted + "' has a bad port '" + port
          + "' for host '" + host.substring(0, colon) + "'; a port is 1 to 65535", null);
    }
  }

  private static Map<String, String> parseQuery(@Nullable String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return parameters;
    }
    for (String pair : query.split("[&;]")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      parameters.put(equals < 0 ? pair : pair.substring(0, equals),
          equals < 0 ? "" : pair.substring(equals + 1));
    }
    return parameters;
  }
}
