package io.orchestrix.projection.core;

import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The checks of {@link ProjectionEngineBuilder}'s settings: each returns the value it was given if
 * it is valid, and otherwise throws {@link NullPointerException} for null or
 * {@link IllegalArgumentException}, naming the setting and the rejected value. Stateless.
 */
final class EngineSettingChecks {

  private EngineSettingChecks() {}

  static ProjectionStore spiStore(ProjectionStateStore store) {
    Objects.requireNonNull(store, "store must not be null");
    if (!(store instanceof ProjectionStore spiStore)) {
      throw new IllegalArgumentException("store: " + store.getClass().getName() + " ("
          + store.description() + ") holds only state; an engine needs a store that implements "
          + ProjectionStore.class.getName() + ", as the stores of every store module do");
    }
    return spiStore;
  }

  static void requireUndeclared(List<ReadModel<?>> declared, ReadModel<?> readModel) {
    Objects.requireNonNull(readModel, "readModel must not be null");
    if (declared.stream().anyMatch(r -> r.name().equals(readModel.name()))) {
      throw new IllegalArgumentException("readModel: '" + readModel.name() + "' is declared twice");
    }
  }

  /** Refuses a prefetch for a read model that is not declared. */
  static void requireDeclared(Collection<ReadModel<?>> prefetched, List<ReadModel<?>> declared) {
    for (ReadModel<?> readModel : prefetched) {
      if (!declared.contains(readModel)) {
        throw new IllegalArgumentException("prefetch: read model '" + readModel.name()
            + "' is not declared; call readModel(...) for it first");
      }
    }
  }

  static int range(String setting, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          setting + " must be " + min + " to " + max + " but was " + value);
    }
    return value;
  }

  static int notNegative(String setting, int value) {
    return Math.toIntExact(notNegative(setting, (long) value));
  }

  static long notNegative(String setting, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(setting + " must not be negative but was " + value);
    }
    return value;
  }

  static Duration notNegative(String setting, Duration value) {
    Objects.requireNonNull(value, setting + " must not be null");
    if (value.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative but was " + value);
    }
    return value;
  }

  static Duration positive(String setting, Duration value) {
    Objects.requireNonNull(value, setting + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive but was " + value);
    }
    return value;
  }

  static Duration generationRefresh(Duration refresh) {
    Objects.requireNonNull(refresh, "generationRefresh must not be null");
    if (refresh.toMillis() < 10 || refresh.toSeconds() > 60) {
      throw new IllegalArgumentException(
          "generationRefresh must be 10 ms to 1 minute but was " + refresh);
    }
    return refresh;
  }

  static <T> T notNull(T value, String setting) {
    return Objects.requireNonNull(value, () -> setting + " must not be null");
  }

  static int buildRateLimit(int eventsPerSecond) {
    if (eventsPerSecond < 0 || eventsPerSecond > 100_000_000) {
      throw new IllegalArgumentException("buildRateLimit must be 0 (no limit) to 100000000 events"
          + " per second but was " + eventsPerSecond);
    }
    return eventsPerSecond;
  }

  static String version(String version) {
    Objects.requireNonNull(version, "version must not be null");
    if (!version.matches("[A-Za-z0-9._-]{1,40}")) {
      throw new IllegalArgumentException("version must be 1 to 40 characters of letters, digits,"
          + " '.', '_' and '-' but was '" + version + "'");
    }
    return version;
  }
}
