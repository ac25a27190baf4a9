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

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.redis.RedisStoreProperties;
import io.orchestrix.projection.spi.support.StoreProperties;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything a store URI and its properties say, checked before any connection is made: where the
 * server is, how to log in, the pool and timeouts. Immutable.
 *
 * @param uri the server, database and credentials the URI names
 * @param user the user, from the URI or property {@code user}
 * @param password the password, from the URI or property {@code password}
 */
public record ConnectionSettings(
    RedisUri uri,
    boolean verifyHostname,
    @Nullable String user,
    @Nullable String password,
    int poolMaxTotal,
    int connectTimeoutMillis,
    int socketTimeoutMillis,
    @Nullable String clientName,
    @Nullable Path trustStore,
    @Nullable String trustStorePassword) {

  /**
   * Where the store's own options among the properties go, each checked by its setter (which throws
   * {@link IllegalArgumentException} for a bad value): the store's options builder.
   */
  public interface OptionSetters {
    void keyPrefix(String keyPrefix);

    void maxDocumentBytes(int maxDocumentBytes);
  }

  /** How property messages name the store. */
  private static final String STORE = "Redis store";

  @Override
  public String toString() {
    return "ConnectionSettings[" + uri.redacted() + ", user=" + user + ", password="
        + (password == null ? "none" : "****") + ", trustStore=" + trustStore + "]";
  }

  /**
   * Parses a {@code redis://} or {@code rediss://} URI and its properties, handing the store's own
   * options to {@code options}.
   *
   * @param knownProperties every property key a store accepts; any other is refused
   *
   * @throws StoreConfigurationException naming the URI (without its password) or the property and
   *     what is wrong with it, each rejected value once
   */
  public static ConnectionSettings parse(String uri, Map<String, String> properties,
      Set<String> knownProperties, OptionSetters options) {
    RedisUri parsed = RedisUri.parse(uri);
    StoreProperties given = StoreProperties.of(STORE, properties, knownProperties);
    Builder settings = new Builder();
    given.apply(KEY_PREFIX, options::keyPrefix)
        .applyInt(MAX_DOCUMENT_BYTES, options::maxDocumentBytes)
        .apply(USER, user -> settings.user = user)
        .apply(PASSWORD, password -> settings.password = password)
        .applyInt(POOL_MAX_TOTAL, value -> settings.poolMaxTotal = positive(value))
        .applyInt(CONNECT_TIMEOUT_MS, value -> settings.connectTimeoutMillis = positive(value))
        .applyInt(SOCKET_TIMEOUT_MS, value -> settings.socketTimeoutMillis = positive(value))
        .apply(CLIENT_NAME, settings::clientName)
        .applyBoolean(TLS_VERIFY_HOSTNAME, verify -> settings.verifyHostname = verify)
        .apply(TLS_TRUSTSTORE, settings::trustStore)
        .apply(TLS_TRUSTSTORE_PASSWORD, password -> settings.trustStorePassword = password);
    return new ConnectionSettings(parsed, settings.verifyHostname,
        once(parsed, USER, parsed.user(), settings.user),
        once(parsed, PASSWORD, parsed.password(), settings.password),
        settings.poolMaxTotal, settings.connectTimeoutMillis, settings.socketTimeoutMillis,
        settings.clientName, settings.trustStore, settings.trustStorePassword);
  }

  private static @Nullable String once(
      RedisUri uri, String key, @Nullable String inUri, @Nullable String inProperties) {
    if (inUri != null && inProperties != null) {
      throw new StoreConfigurationException("Redis store '" + uri.redacted() + "': the " + key
          + " is given both in the URI and in property '" + key + "'; give it once", null);
    }
    return inUri != null ? inUri : inProperties;
  }

  private static int positive(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("must be a positive whole number but was " + value);
    }
    return value;
  }

  /** The properties' values as they are read, each checked by its setter. */
  private static final class Builder {
    private @Nullable String user;
    private @Nullable String password;
    private int poolMaxTotal = RedisStoreProperties.DEFAULT_POOL_MAX_TOTAL;
    private int connectTimeoutMillis = RedisStoreProperties.DEFAULT_CONNECT_TIMEOUT_MS;
    private int socketTimeoutMillis = RedisStoreProperties.DEFAULT_SOCKET_TIMEOUT_MS;
    private @Nullable String clientName;
    private boolean verifyHostname = true;
    private @Nullable Path trustStore;
    private @Nullable String trustStorePassword;

    void clientName(String name) {
      if (name.isEmpty() || name.codePoints().anyMatch(c -> c <= ' ' || c > '~')) {
        throw new IllegalArgumentException("must be printable ASCII without spaces (Redis refuses"
            + " others) but was '" + name + "'");
      }
      clientName = name;
    }

    void trustStore(String file) {
      Path path;
      try {
        path = Path.of(file);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("must be a file path but was '" + file + "'", e);
      }
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw new IllegalArgumentException(
            "must name a readable trust store file but was '" + file + "'");
      }
      trustStore = path;
    }
  }
}
