package io.orchestrix.projection.redis.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/** Makes the pooled Jedis client a store opens from its {@link ConnectionSettings}. Stateless. */
public final class RedisClients {

  private RedisClients() {}

  /** A pooled client; it connects lazily, on the first command. */
  public static RedisClient pooled(ConnectionSettings settings) {
    return RedisClient.builder()
        .hostAndPort(settings.uri().host(), settings.uri().port())
        .clientConfig(clientConfig(settings))
        .poolConfig(poolConfig(settings))
        .build();
  }

  private static DefaultJedisClientConfig clientConfig(ConnectionSettings settings) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(settings.connectTimeoutMillis())
        .socketTimeoutMillis(settings.socketTimeoutMillis())
        .database(settings.uri().database());
    if (settings.user() != null) {
      config.user(settings.user());
    }
    if (settings.password() != null) {
      config.password(settings.password());
    }
    if (settings.clientName() != null) {
      config.clientName(settings.clientName());
    }
    if (settings.uri().tls()) {
      // FULL also checks that the certificate names the host
      SslOptions.Builder tls = SslOptions.builder()
          .sslVerifyMode(settings.verifyHostname() ? SslVerifyMode.FULL : SslVerifyMode.CA);
      Path trustStore = settings.trustStore();
      if (trustStore != null) {
        String password = settings.trustStorePassword();
        tls.truststore(trustStore.toFile(), password == null ? null : password.toCharArray())
            .trustStoreType(trustStore.toString().toLowerCase(Locale.ROOT).endsWith(".jks")
                ? "JKS" : "PKCS12");
      }
      config.sslOptions(tls.build());
    }
    return config.build();
  }

  /**
   * At most {@code pool-max-total} connections; a call waits for a free one as long as a busy one may
   * take to connect and answer, then fails as an outage.
   */
  private static ConnectionPoolConfig poolConfig(ConnectionSettings settings) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(settings.poolMaxTotal());
    pool.setMaxIdle(settings.poolMaxTotal());
    pool.setMinIdle(0);
    pool.setMaxWait(Duration.ofMillis(
        settings.connectTimeoutMillis() + (long) settings.socketTimeoutMillis()));
    return pool;
  }
}
