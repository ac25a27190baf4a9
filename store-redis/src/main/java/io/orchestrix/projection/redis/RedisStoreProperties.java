package io.orchestrix.projection.redis;

import java.util.Set;

/**
 * The property keys a Redis store URI accepts beside the URI
 * ({@code ProjectionStores.open(uri, properties)}); any other key is refused with
 * {@link io.orchestrix.projection.StoreConfigurationException} naming it. Values are strings.
 *
 * <p>The URI is {@code redis://[user[:password]@]host[:port][/database]}, or {@code rediss://} for
 * TLS (the JVM's trust store or {@link #TLS_TRUSTSTORE}, host name verified); port 6379 and database 0
 * by default. User and
 * password are percent-decoded and may be given in the URI or as properties, not both.
 *
 * <p>Constants only; thread-safe.
 */
public final class RedisStoreProperties {

  /** The prefix of every key, default {@value RedisStoreOptions#DEFAULT_KEY_PREFIX}. */
  public static final String KEY_PREFIX = "key-prefix";
  /** The ACL user name (Redis 6+), instead of the URI's. */
  public static final String USER = "user";
  /** The password, instead of the URI's; never shown in messages. */
  public static final String PASSWORD = "password";
  /** The largest JSON document in bytes, default 16 MiB. */
  public static final String MAX_DOCUMENT_BYTES = "max-document-bytes";
  /** The most pooled connections, default {@value #DEFAULT_POOL_MAX_TOTAL}. */
  public static final String POOL_MAX_TOTAL = "pool-max-total";
  /** Milliseconds to wait for a connection, default {@value #DEFAULT_CONNECT_TIMEOUT_MS}. */
  public static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";
  /**
   * Milliseconds to wait for a reply, default {@value #DEFAULT_SOCKET_TIMEOUT_MS}; a commit of a very
   * large batch or a reset of a large read model needs a generous value.
   */
  public static final String SOCKET_TIMEOUT_MS = "socket-timeout-ms";
  /** The connection name shown by {@code CLIENT LIST}, none by default. */
  public static final String CLIENT_NAME = "client-name";
  /** With {@code rediss://}: whether the server certificate must name the host, default true. */
  public static final String TLS_VERIFY_HOSTNAME = "tls-verify-hostname";

  /**
   * With {@code rediss://}: a trust store file (PKCS12, or JKS if its name ends with {@code .jks})
   * holding the certificates that may sign the server's, instead of the JVM's trust store.
   */
  public static final String TLS_TRUSTSTORE = "tls-truststore";
  /** The password of {@link #TLS_TRUSTSTORE}, if it has one; never shown in messages. */
  public static final String TLS_TRUSTSTORE_PASSWORD = "tls-truststore-password";

  /** Every key accepted. */
  public static final Set<String> ALL = Set.of(KEY_PREFIX, USER, PASSWORD, MAX_DOCUMENT_BYTES,
      POOL_MAX_TOTAL, CONNECT_TIMEOUT_MS, SOCKET_TIMEOUT_MS, CLIENT_NAME, TLS_VERIFY_HOSTNAME,
      TLS_TRUSTSTORE, TLS_TRUSTSTORE_PASSWORD);

  /** Pooled connections when {@link #POOL_MAX_TOTAL} is not set. */
  public static final int DEFAULT_POOL_MAX_TOTAL = 16;
  /** Connect timeout when {@link #CONNECT_TIMEOUT_MS} is not set. */
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
  /** Reply timeout when {@link #SOCKET_TIMEOUT_MS} is not set. */
  public static final int DEFAULT_SOCKET_TIMEOUT_MS = 30_000;

  private RedisStoreProperties() {}
}
