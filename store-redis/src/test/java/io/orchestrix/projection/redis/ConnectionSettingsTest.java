package io.orchestrix.projection.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.redis.internal.ConnectionSettings;
import io.orchestrix.projection.redis.internal.RedisUri;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** URIs and properties are checked, and refused with messages that never show a password. */
class ConnectionSettingsTest {

  @Test
  void aPlainUriGivesHostPortDatabaseAndDefaults() {
    ConnectionSettings settings = parse("redis://cache.local:6380/3", Map.of());

    assertThat(settings.uri().host()).isEqualTo("cache.local");
    assertThat(settings.uri().port()).isEqualTo(6380);
    assertThat(settings.uri().database()).isEqualTo(3);
    assertThat(settings.uri().tls()).isFalse();
    assertThat(settings.user()).isNull();
    assertThat(settings.password()).isNull();
    assertThat(settings.poolMaxTotal()).isEqualTo(RedisStoreProperties.DEFAULT_POOL_MAX_TOTAL);
    RedisStoreOptions.Builder options = RedisStoreOptions.builder();
    ConnectionSettings.parse("redis://cache.local:6380/3", Map.of(), RedisStoreProperties.ALL,
        RedisProjectionStore.optionSetters(options));
    assertThat(options.build().keyPrefix()).isEqualTo(RedisStoreOptions.DEFAULT_KEY_PREFIX);
    assertThat(options.build().maxDocumentBytes())
        .isEqualTo(RedisStoreOptions.DEFAULT_MAX_DOCUMENT_BYTES);
  }

  /** The settings a store opened with this URI and these properties would use. */
  private static ConnectionSettings parse(String uri, Map<String, String> properties) {
    return ConnectionSettings.parse(uri, properties, RedisStoreProperties.ALL,
        RedisProjectionStore.optionSetters(RedisStoreOptions.builder()));
  }

  @Test
  void portAndDatabaseDefaultTo6379And0() {
    ConnectionSettings settings = parse("redis://localhost", Map.of());
    assertThat(settings.uri().port()).isEqualTo(6379);
    assertThat(settings.uri().database()).isZero();
    assertThat(parse("redis://localhost/", Map.of()).uri().database()).isZero();
    assertThat(parse("redis://[::1]:7000", Map.of()).uri().address())
        .isEqualTo("[::1]:7000");
  }

  @Test
  void theRedissSchemeMeansTlsWithHostNameVerification() {
    ConnectionSettings tls = parse("rediss://secure.example:6390", Map.of());
    assertThat(tls.uri().tls()).isTrue();
    assertThat(tls.verifyHostname()).isTrue();
    assertThat(parse("REDISS://h", Map.of(RedisStoreProperties.TLS_VERIFY_HOSTNAME,
        "false")).verifyHostname()).isFalse();
    assertThat(new RedisProjectionStoreProvider().schemes()).containsExactlyInAnyOrder("redis", "rediss");
  }

  @Test
  void userAndPasswordComeFromTheUriPercentDecodedOrFromProperties() {
    ConnectionSettings inUri = parse("redis://app:p%40ss%3Aw+rd@h:1/0", Map.of());
    assertThat(inUri.user()).isEqualTo("app");
    assertThat(inUri.password()).isEqualTo("p@ss:w+rd");

    ConnectionSettings passwordOnly = parse("redis://:secret@h", Map.of());
    assertThat(passwordOnly.user()).isNull();
    assertThat(passwordOnly.password()).isEqualTo("secret");

    ConnectionSettings inProperties = parse("redis://h",
        Map.of(RedisStoreProperties.USER, "app", RedisStoreProperties.PASSWORD, "secret"));
    assertThat(inProperties.user()).isEqualTo("app");
    assertThat(inProperties.password()).isEqualTo("secret");
  }

  @Test
  void aPasswordGivenTwiceIsRefusedWithoutShowingEither() {
    assertThatThrownBy(() -> parse("redis://:first-secret@h",
        Map.of(RedisStoreProperties.PASSWORD, "second-secret")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("password")
        .hasMessageNotContaining("first-secret")
        .hasMessageNotContaining("second-secret");
  }

  @Test
  void unknownPropertiesAreRefusedByName() {
    assertThatThrownBy(() -> parse("redis://h", Map.of("keyprefix", "x")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'keyprefix'")
        .hasMessageContaining(RedisStoreProperties.KEY_PREFIX);
    assertThatThrownBy(() -> ProjectionStoreProviders.open("redis://127.0.0.1:6379", Map.of("pool", "2")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'pool'");
  }

  @Test
  void eachBadPropertyValueIsNamedOnceWithItsKey() {
    Map<String, String> bad = Map.of(
        RedisStoreProperties.KEY_PREFIX, "a b \u2603:",
        RedisStoreProperties.POOL_MAX_TOTAL, "zero",
        RedisStoreProperties.MAX_DOCUMENT_BYTES, "-17",
        RedisStoreProperties.CONNECT_TIMEOUT_MS, "0",
        RedisStoreProperties.TLS_VERIFY_HOSTNAME, "yes",
        RedisStoreProperties.CLIENT_NAME, "has space",
        RedisStoreProperties.TLS_TRUSTSTORE, "/no/such/trust.p12");
    bad.forEach((key, value) -> {
      StoreConfigurationException refused = catchThrowableOfType(StoreConfigurationException.class,
          () -> parse("redis://h", Map.of(key, value)));
      assertThat(refused).as("property %s=%s", key, value).isNotNull();
      assertThat(refused.getMessage()).as("the message for %s", key).contains("'" + key + "'");
      assertThat(occurrences(refused.getMessage(), value))
          .as("times '%s' appears in: %s", value, refused.getMessage()).isEqualTo(1);
    });
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis:", "redis://", "redis://:6379", "redis://host:99999",
      "redis://host:0", "redis://host:", "redis://host:port", "redis://host/abc", "redis://host/0/1",
      "redis://host/-1", "redis://host/9999999999", "rediss://", "rediss://:6380/0",
      "redis://h1,h2/0", "redis://host/0?ssl=true", "redis://host?", "redis://host#fragment",
      "redis://ho st/0", "http://host:6379", "redis:/host", "host:6379", ""})
  void malformedUrisAreRefusedBeforeConnecting(String uri) {
    assertThatThrownBy(() -> RedisProjectionStore.open(uri))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'" + uri + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://:hunter2@", "redis://:hunter2@h/db", "redis://:hunter2@h/0?ssl=true",
      "http://:hunter2@h", "redis://:hunter2@h:port", "redis://:hunter2@h/99999999999",
      "redis:/:hunter2@h", "redis:/u:hunter2@h:1/0", "redis://:hun%zzter2@h", "redis://u:hunter2@:6379",
      "redis://u:hun?ter2@h:99999", "redis://u:hun/ter2@h:port", "rediss://u:hunter2@",
      "redis://u:hunter2@h1,h2"})
  void malformedUrisAreRefusedWithoutTheirPassword(String uri) {
    assertThatThrownBy(() -> RedisProjectionStore.open(uri))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("hun?ter2")
        .hasMessageNotContaining("hun/ter2")
        .hasMessageNotContaining("hun%zzter2");
  }

  @Test
  void theSettingsAndTheDescriptionNeverShowThePassword() {
    ConnectionSettings settings = parse("redis://app:hunter2@h:1/2", Map.of());
    assertThat(settings.toString()).doesNotContain("hunter2");
    assertThat(settings.uri().toString()).doesNotContain("hunter2");
    assertThat(settings.uri().redacted()).isEqualTo("redis://app:****@h:1/2");
    ConnectionSettings fromProperty = parse("redis://h",
        Map.of(RedisStoreProperties.PASSWORD, "hunter2"));
    assertThat(fromProperty.toString()).doesNotContain("hunter2");
  }

  @Test
  void redactionAlsoMasksPasswordsWithSlashOrAtSigns() {
    assertThat(RedisUri.redact("redis://app:pa/ss@word@h:1/0")).isEqualTo("redis://app:****@h:1/0");
    assertThat(RedisUri.redact("redis:/:secret@h")).isEqualTo("redis:/:****@h");
    assertThat(RedisUri.redact("redis://u:se?cret@h")).isEqualTo("redis://u:****@h");
    assertThat(RedisUri.redact("redis://h:6379/0")).isEqualTo("redis://h:6379/0");
    assertThat(RedisUri.redact("redis://app@h:6379")).isEqualTo("redis://app@h:6379");
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
