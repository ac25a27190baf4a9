package io.orchestrix.projection.redis.internal;

import static io.orchestrix.projection.redis.RedisStoreProperties.CLIENT_NAME;
import static io.orchestrix.projection.redis.RedisStoreProperties.CONNECT_TIMEOUT_MS;
import static io.orchestrix.projection.redis.RedisStoreProperties.KEY_PREFIX;
import static io.orchestrix.projection.redis.RedisStoreProperties.MAX_DOCUMENT_BYTES;
import static io.orchestrix.projection.redis.RedisStoreProperties.PASSWORD;
import static io.orchestrix.projection.redis.RedisStoreProperties.POOL_MAX_TOTAL;
import static io.orchestrix.projection.redis.RedisStoreProperties.SOCKET_TIMEOUT_MS;
import static io.orchestrix.projection.redis.RedisStoreProperties.TLS_TRUSTSTORE;
import static io.orchestrix.projection.redis.RedisStoreProperties.TLS_TRUSTSTORE_PASSWORD;
import static io.orchestrix.projection.redis.RedisStoreProperties.TLS_VERIFY_HOSTNAME;
import static io.orchestrix.projection.redis.RedisStoreProperties.USER;

import io.orchestrix.projection.spi.support.StoreUris;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.redis.RedisStoreOptions;
import io.orchestrix.projection.redis.RedisStoreProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Everything a store URI and its properties say, checked: where the server is, how to log in, the
 * pool and timeouts, and the store options. Immutable.
 *
 * @param redactedUri the URI without its password, for messages
 */
public record ConnectionSettings(
    String redactedUri,
    String host,
    int port,
    int database,
    boolean tls,
    boolean verifyHostname,
    @Nullable String user,
    @Nullable String password,
    int poolMaxTotal,
    int connectTimeoutMillis,
    int socketTimeoutMillis,
    @Nullable String clientName,
    @Nullable Path trustStore,
    @Nullable String trustStorePassword,
    RedisStoreOptions options) {

  /** The default Redis port. */
  public static final int DEFAULT_PORT = 6379;

  @Override
  public String toString() {
    return "ConnectionSettings[" + redactedUri + ", database=" + database + ", tls=" + tls
        + ", user=" + user + ", password=" + (password == null ? "none" : "****")
        + ", trustStore=" + trustStore + "]";
  }

  /** {@code host:port}, as messages name the server. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Parses a {@code redis://} or {@code rediss://} URI and its properties.
   *
   * @throws StoreConfigurationException naming the URI (without its password) or the property and
   *     what is wrong with it
   */
  public static ConnectionSettings parse(String uri, Map<String, String> properties) {
    String redacted = redact(uri);
    TreeSet<String> unknown = new TreeSet<>(properties.keySet());
    unknown.removeAll(RedisStoreProperties.ALL);
    if (!unknown.isEmpty()) {
      throw new StoreConfigurationException("Redis store '" + redacted + "': unknown propert"
          + (unknown.size() == 1 ? "y '" + unknown.first() + "'" : "ies " + unknown)
          + "; accepted: " + new TreeSet<>(RedisStoreProperties.ALL), null);
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new StoreConfigurationException(
          "Redis store URI '" + redacted + "' is malformed: " + e.getReason()
              + "; expected redis://[user[:password]@]host[:port][/database]", null);
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw bad(redacted, "has scheme '" + scheme + "', not redis or rediss");
    }
    if (parsed.isOpaque() || parsed.getHost() == null || parsed.getHost().isEmpty()) {
      throw bad(redacted, "names no host");
    }
    if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
      throw bad(redacted, "has a query or fragment; give options as properties "
          + new TreeSet<>(RedisStoreProperties.ALL));
    }
    String host = parsed.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = parsed.getPort() == -1 ? DEFAULT_PORT : parsed.getPort();
    int database = database(redacted, parsed.getRawPath());

    String uriUser = null;
    String uriPassword = null;
    String userInfo = parsed.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      uriUser = decode(redacted, colon < 0 ? userInfo : userInfo.substring(0, colon));
      uriPassword = colon < 0 ? null : decode(redacted, userInfo.substring(colon + 1));
      if (uriUser.isEmpty()) {
        uriUser = null;
      }
    }
    String user = once(redacted, USER, uriUser, properties.get(USER));
    String password = once(redacted, PASSWORD, uriPassword, properties.get(PASSWORD));

    RedisStoreOptions.Builder options = RedisStoreOptions.builder();
    String prefix = properties.get(KEY_PREFIX);
    if (prefix != null) {
      try {
        options.keyPrefix(prefix);
      } catch (IllegalArgumentException e) {
        throw property(redacted, KEY_PREFIX, prefix, e.getMessage());
      }
    }
    options.maxDocumentBytes(positive(redacted, properties, MAX_DOCUMENT_BYTES,
        RedisStoreOptions.DEFAULT_MAX_DOCUMENT_BYTES));
    String verify = properties.getOrDefault(TLS_VERIFY_HOSTNAME, "true");
    if (!verify.equals("true") && !verify.equals("false")) {
      throw property(redacted, TLS_VERIFY_HOSTNAME, verify, "must be true or false");
    }
    String clientName = properties.get(CLIENT_NAME);
    if (clientName != null && (clientName.isEmpty()
        || clientName.codePoints().anyMatch(c -> c <= ' ' || c > '~'))) {
      throw property(redacted, CLIENT_NAME, clientName,
          "must be printable ASCII without spaces (Redis refuses others)");
    }
    return new ConnectionSettings(redacted, host, port, database, scheme.equals("rediss"),
        Boolean.parseBoolean(verify), user, password,
        positive(redacted, properties, POOL_MAX_TOTAL, RedisStoreProperties.DEFAULT_POOL_MAX_TOTAL),
        positive(redacted, properties, CONNECT_TIMEOUT_MS,
            RedisStoreProperties.DEFAULT_CONNECT_TIMEOUT_MS),
        positive(redacted, properties, SOCKET_TIMEOUT_MS,
            RedisStoreProperties.DEFAULT_SOCKET_TIMEOUT_MS),
        clientName, trustStore(redacted, properties.get(TLS_TRUSTSTORE)),
        properties.get(TLS_TRUSTSTORE_PASSWORD), options.build());
  }

  private static @Nullable Path trustStore(String redacted, @Nullable String file) {
    if (file == null) {
      return null;
    }
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw property(redacted, TLS_TRUSTSTORE, file, "must be a file path");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw property(redacted, TLS_TRUSTSTORE, file, "must name a readable trust store file");
    }
    return path;
  }

  /**
   * The URI with its password replaced by {@code ****}. Beyond {@link ProjectionStores#redact}, it
   * also masks a password holding {@code /} or {@code @}, and one in a malformed URI
   * ({@code redis:/:secret@host}): everything after the first {@code :} of the user info, taken up to
   * the last {@code @}.
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

  private static int database(String redacted, @Nullable String path) {
    if (path == null || path.isEmpty() || path.equals("/")) {
      return 0;
    }
    String digits = path.substring(1);
    if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
      throw bad(redacted, "has path '" + path + "'; the path may only be a database number, /0 to /"
          + "15 on a default server");
    }
    return Integer.parseInt(digits);
  }

  private static @Nullable String once(
      String redacted, String key, @Nullable String inUri, @Nullable String inProperties) {
    if (inUri != null && inProperties != null) {
      throw new StoreConfigurationException("Redis store '" + redacted + "': the " + key
          + " is given both in the URI and in property '" + key + "'; give it once", null);
    }
    return inUri != null ? inUri : inProperties;
  }

  private static int positive(
      String redacted, Map<String, String> properties, String key, int defaultValue) {
    String value = properties.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the rule
    }
    throw property(redacted, key, value, "must be a positive whole number below 2^31");
  }

  private static String decode(String redacted, String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad(redacted, "has a malformed %-escape in its user or password");
    }
  }

  private static StoreConfigurationException bad(String redacted, String what) {
    return new StoreConfigurationException("Redis store URI '" + redacted + "' " + what
        + "; expected redis://[user[:password]@]host[:port][/database] or rediss://...", null);
  }

  private static StoreConfigurationException property(
      String redacted, String key, String value, String rule) {
    return new StoreConfigurationException("Redis store '" + redacted + "': property '" + key
        + "' " + rule + " but was '" + value + "'", null);
  }
}
