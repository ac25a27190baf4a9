package io.orchestrix.projection.core;

import io.orchestrix.projection.spi.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The leases of an {@link InMemoryProjectionStateStore}, judged by the store's clock. Not thread-safe:
 * guarded by the store's lock.
 */
final class MemoryLeases {

  private record Held(String owner, long epoch, Instant expiresAt) {}

  private final Clock clock;
  private final Map<String, TreeMap<String, Held>> groups = new HashMap<>();
  private long epochs;

  MemoryLeases(Clock clock) {
    this.clock = clock;
  }

  Optional<Lease> acquire(String group, String resource, String owner, Duration ttl) {
    Instant now = clock.instant();
    TreeMap<String, Held> leases = groups.computeIfAbsent(group, g -> new TreeMap<>());
    Held held = leases.get(resource);
    boolean live = held != null && held.expiresAt().isAfter(now);
    if (live && !held.owner().equals(owner)) {
      return Optional.empty();
    }
    long epoch = live ? held.epoch() : ++epochs;
    Held renewed = new Held(owner, epoch, now.plus(ttl));
    leases.put(resource, renewed);
    return Optional.of(lease(group, resource, renewed, now));
  }

  boolean release(String group, String resource, String owner) {
    TreeMap<String, Held> leases = groups.get(group);
    Held held = leases == null ? null : leases.get(resource);
    if (held == null || !held.owner().equals(owner)) {
      return false;
    }
    leases.remove(resource);
    return true;
  }

  List<Lease> list(String group) {
    Instant now = clock.instant();
    List<Lease> all = new ArrayList<>();
    groups.getOrDefault(group, new TreeMap<>())
        .forEach((resource, held) -> all.add(lease(group, resource, held, now)));
    return all;
  }

  private static Lease lease(String group, String resource, Held held, Instant now) {
    return new Lease(group, resource, held.owner(), held.epoch(), held.expiresAt(),
        Duration.between(now, held.expiresAt()));
  }
}
