package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.StoreConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A store's properties, checked against the keys the store accepts and handed to its option setters
 * by type. Every failure is a {@link StoreConfigurationException} that names the store, the key and
 * what was wrong; a setter's own {@link IllegalArgumentException} (which names the rejected value) is
 * wrapped once, never repeated. Immutable; not meant to be kept.
 *
 * <pre>{@code
 * StoreProperties properties = StoreProperties.of("JDBC store", given, PROPERTY_KEYS);
 * properties.apply(TABLE_PREFIX, builder::tablePrefix);
 * properties.applyInt(POOL_SIZE, builder::poolSize);
 * properties.applyMillis(CONNECTION_TIMEOUT_MS, builder::connectionTimeout);
 * }</pre>
 */
public final class StoreProperties {

  private final String store;
  private final Map<String, String> values;

  private StoreProperties(String store, Map<String, String> values) {
    this.store = store;
    this.values = values;
  }

  /**
   * Checks the keys of the given properties.
   *
   * @param store the store's name for messages ("JDBC store")
   * @param accepted the keys the store accepts
   * @param properties the given properties; no key or value null
   * @return the checked properties
   * @throws StoreConfigurationException naming the first unknown key (in key order) and the keys
   *     accepted
   */
  public static StoreProperties of(String store, Map<String, String> properties, Set<String> accepted) {
    Objects.requireNonNull(properties, "properties must not be null");
    Map<String, String> sorted = new TreeMap<>();
    properties.forEach((key, value) -> sorted.put(
        Objects.requireNonNull(key, "a property key is null"),
        Objects.requireNonNull(value, () -> store + " property '" + key + "' has a null value")));
    for (String key : sorted.keySet()) {
      if (!accepted.contains(key)) {
        throw new StoreConfigurationException("unknown " + store + " property '" + key + "'; the "
            + store + " accepts " + new TreeSet<>(accepted), null);
      }
    }
    return new StoreProperties(store, sorted);
  }

  /**
   * Hands the value of a key, if given, to a setter.
   *
   * @param key the property's key
   * @param setter receives the value as given; its {@link IllegalArgumentException} becomes a
   *     {@link StoreConfigurationException}
   * @return these properties
   */
  public StoreProperties apply(String key, Consumer<String> setter) {
    String value = values.get(key);
    if (value != null) {
      try {
        setter.accept(value);
      } catch (IllegalArgumentException e) {
        throw bad(key, e.getMessage(), e);
      }
    }
    return this;
  }

  /**
   * Hands the value of a key, if given, to a setter as a whole number.
   *
   * @param key the property's key
   * @param setter receives the value as an int
   * @return these properties
   * @throws StoreConfigurationException if the value is not a whole number or the setter refuses it
   */
  public StoreProperties applyInt(String key, IntConsumer setter) {
    return apply(key, value -> setter.accept(parseInt(key, value)));
  }

  /**
   * Hands the value of a key, if given, to a setter as a duration written in milliseconds.
   *
   * @param key the property's key
   * @param setter receives the value as a duration
   * @return these properties
   * @throws StoreConfigurationException if the value is not a whole number or the setter refuses it
   */
  public StoreProperties applyMillis(String key, Consumer<Duration> setter) {
    return apply(key, value -> setter.accept(Duration.ofMillis(parseInt(key, value))));
  }

  /**
   * Hands the value of a key, if given, to a setter as {@code true} or {@code false}.
   *
   * @param key the property's key
   * @param setter receives the value as a boolean
   * @return these properties
   * @throws StoreConfigurationException if the value is neither true nor false (case ignored) or
   *     the setter refuses it
   */
  public StoreProperties applyBoolean(String key, Consumer<Boolean> setter) {
    return apply(key, value -> {
      String trimmed = value.trim();
      if (!trimmed.equalsIgnoreCase("true") && !trimmed.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException("must be true or false but was '" + value + "'");
      }
      setter.accept(Boolean.parseBoolean(trimmed));
    });
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number but was '" + value + "'", e);
    }
  }

  private StoreConfigurationException bad(String key, String message, Throwable cause) {
    return new StoreConfigurationException(
        "bad " + store + " property '" + key + "': " + message, cause);
  }
}
