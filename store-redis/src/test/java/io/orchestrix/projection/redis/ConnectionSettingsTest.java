package io.orchestrix.projection.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.redis.internal.ConnectionSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

  @Test
  void aPlainUriGivesHostPortDatabaseAndDefaults() {
    ConnectionSettings settings = ConnectionSettings.parse("redis://cache.local:6380/3", Map.of());

    assertThat(settings.host()).isEqualTo("cache.local");
    assertThat(settings.port()).isEqualTo(6380);
    assertThat(settings.database()).isEqualTo(3);
    assertThat(settings.tls()).isFalse();
    assertThat(settings.user()).isNull();
    assertThat(settings.password()).isNull();
    assertThat(settings.poolMaxTotal()).isEqualTo(RedisStoreProperties.DEFAULT_POOL_MAX_TOTAL);
    assertThat(settings.options().keyPrefix()).isEqualTo(RedisStoreOptions.DEFAULT_KEY_PREFIX);
    assertThat(settings.options().maxDocumentBytes())
        .isEqualTo(RedisStoreOptions.DEFAULT_MAX_DOCUMENT_BYTES);
  }

  @Test
  void portAndDatabaseDefaultTo6379And0() {
    ConnectionSettings settings = ConnectionSettings.parse("redis://localhost", Map.of());
    assertThat(settings.port()).isEqualTo(6379);
    assertThat(settings.database()).isZero();
    assertThat(ConnectionSettings.parse("redis://localhost/", Map.of()).database()).isZero();
    assertThat(ConnectionSettings.parse("redis://[::1]:7000", Map.of()).address())
        .isEqualTo("[::1]:7000");
  }

  @Test
  void theRedissSchemeMeansTlsWithHostNameVerification() {
    ConnectionSettings tls = ConnectionSettings.parse("rediss://secure.example:6390", Map.of());
    assertThat(tls.tls()).isTrue();
    assertThat(tls.verifyHostname()).isTrue();
    assertThat(ConnectionSettings.parse("REDISS://h", Map.of(RedisStoreProperties.TLS_VERIFY_HOSTNAME,
        "false")).verifyHostname()).isFalse();
    assertThat(new RedisProjectionStoreProvider().schemes()).containsExactlyInAnyOrder("redis", "rediss");
  }

  @Test
  void userAndPasswordComeFromTheUriPercentDecodedOrFromProperties() {
    ConnectionSettings inUri = ConnectionSettings.parse("redis://app:p%40ss%3Aw+rd@h:1/0", Map.of());
    assertThat(inUri.user()).isEqualTo("app");
    assertThat(inUri.password()).isEqualTo("p@ss:w+rd");

    ConnectionSettings passwordOnly = ConnectionSettings.parse("redis://:secret@h", Map.of());
    assertThat(passwordOnly.user()).isNull();
    assertThat(passwordOnly.password()).isEqualTo("secret");

    ConnectionSettings inProperties = ConnectionSettings.parse("redis://h",
        Map.of(RedisStoreProperties.USER, "app", RedisStoreProperties.PASSWORD, "secret"));
    assertThat(inProperties.user()).isEqualTo("app");
    assertThat(inProperties.password()).isEqualTo("secret");
  }

  @Test
  void aPasswordGivenTwiceIsRefusedWithoutShowingEither() {
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://:first-secret@h",
        Map.of(RedisStoreProperties.PASSWORD, "second-secret")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("password")
        .hasMessageNotContaining("first-secret")
        .hasMessageNotContaining("second-secret");
  }

  @Test
  void unknownPropertiesAreRefusedByName() {
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://h", Map.of("keyprefix", "x")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'keyprefix'")
        .hasMessageContaining(RedisStoreProperties.KEY_PREFIX);
    assertThatThrownBy(() -> ProjectionStoreProviders.open("redis://127.0.0.1:6379", Map.of("pool", "2")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'pool'");
  }

  @Test
  void badPropertyValuesAreRefusedNamingKeyAndValue() {
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://h",
        Map.of(RedisStoreProperties.POOL_MAX_TOTAL, "zero")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("pool-max-total").hasMessageContaining("'zero'");
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://h",
        Map.of(RedisStoreProperties.MAX_DOCUMENT_BYTES, "-1")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("max-document-bytes").hasMessageContaining("'-1'");
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://h",
        Map.of(RedisStoreProperties.KEY_PREFIX, "has space")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("key-prefix").hasMessageContaining("'has space'");
    assertThatThrownBy(() -> ConnectionSettings.parse("rediss://h",
        Map.of(RedisStoreProperties.TLS_TRUSTSTORE, "/no/such/trust.p12")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("tls-truststore").hasMessageContaining("/no/such/trust.p12");
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://h",
        Map.of(RedisStoreProperties.TLS_VERIFY_HOSTNAME, "yes")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("tls-verify-hostname");
  }

  @Test
  void malformedUrisAreRefusedWithoutTheirPassword() {
    for (String uri : new String[] {
        "redis://:hunter2@", "redis://:hunter2@h/db", "redis://:hunter2@h/0?ssl=true",
        "http://:hunter2@h", "redis://:hunter2@h:port", "redis://:hunter2@h/99999999",
        "redis:/:hunter2@h", "redis://:hun%zzter2@h"}) {
      assertThatThrownBy(() -> ConnectionSettings.parse(uri, Map.of()))
          .as(uri)
          .isInstanceOf(StoreConfigurationException.class)
          .hasMessageNotContaining("hunter2")
          .hasMessageNotContaining("hun%zzter2");
    }
  }

  @Test
  void theSettingsAndTheDescriptionNeverShowThePassword() {
    ConnectionSettings settings = ConnectionSettings.parse("redis://app:hunter2@h:1/2", Map.of());
    assertThat(settings.toString()).doesNotContain("hunter2");
    assertThat(settings.redactedUri()).isEqualTo("redis://app:****@h:1/2");
    ConnectionSettings fromProperty = ConnectionSettings.parse("redis://h",
        Map.of(RedisStoreProperties.PASSWORD, "hunter2"));
    assertThat(fromProperty.toString()).doesNotContain("hunter2");
  }

  @Test
  void redactionAlsoMasksPasswordsWithSlashOrAtSigns() {
    assertThat(ConnectionSettings.redact("redis://app:pa/ss@word@h:1/0"))
        .isEqualTo("redis://app:****@h:1/0");
    assertThat(ConnectionSettings.redact("redis:/:secret@h")).isEqualTo("redis:/:****@h");
    assertThat(ConnectionSettings.redact("redis://h:6379/0")).isEqualTo("redis://h:6379/0");
    assertThat(ConnectionSettings.redact("redis://app@h:6379")).isEqualTo("redis://app@h:6379");
  }

  @Test
  void optionsCheckTheirArgumentsAtOnce() {
    assertThatThrownBy(() -> RedisStoreOptions.builder().maxDocumentBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDocumentBytes");
    assertThatThrownBy(() -> RedisStoreOptions.builder().keyPrefix(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    assertThat(RedisStoreOptions.builder().keyPrefix("{orders}:").build().keyPrefix())
        .isEqualTo("{orders}:");
  }
}
