package io.orchestrix.projection.redis.internal;

import static io.orchestrix.projection.redis.internal.KeyLayout.bytes;
import static io.orchestrix.projection.redis.internal.RedisCommands.text;

import io.orchestrix.projection.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A store's leases in Redis: a hash per lease ({@code owner}, {@code epoch}, {@code exp}, the time it
 * expires in Unix milliseconds by the server's clock), a set per group of its resources, and one
 * store-wide counter of epochs (see {@link KeyLayout}). Each call is one script, so it is atomic and
 * judges expiry by the server's clock ({@code TIME}), never the node's.
 *
 * <p>A lease's key is given a Redis expiry {@link #RETENTION} after the lease itself expires: until
 * then an expired lease is listed (as expired) and released by its holder as the SPI says; after it,
 * Redis deletes the key, so the leases of owners that vanished do not pile up. A lease taken afresh
 * gets its epoch from the counter, so it is greater than every epoch handed out before, whether the
 * old key is still there or not.
 *
 * <p>A call whose connection fails is sent again ({@link RedisCommands}): a second acquire by the same
 * owner renews the lease the first one took, keeping its epoch, but a second release of a lease the
 * first one released answers {@code false}. Arguments are checked by the caller. Thread-safe.
 */
public final class LeaseRecords {

  /** How long the key of an expired lease is kept, and the lease listed, before Redis deletes it. */
  public static final Duration RETENTION = Duration.ofDays(1);

  private static final byte[] RETENTION_MS = bytes(Long.toString(RETENTION.toMillis()));

  private final RedisCommands commands;
  private final KeyLayout keys;
  private final RedisErrors errors;

  /** Leases through {@code commands}, under the keys of {@code keys}. */
  public LeaseRecords(RedisCommands commands, KeyLayout keys, RedisErrors errors) {
    this.commands = commands;
    this.keys = keys;
    this.errors = errors;
  }

  /** The lease now held by {@code owner}, or empty if another owner holds it and it has not expired. */
  public Optional<Lease> acquire(String group, String resource, String owner, Duration ttl) {
    List<?> reply = commands.script(LuaScript.ACQUIRE_LEASE,
        List.of(keys.lease(group, resource), keys.leaseResources(group), keys.leaseEpochs()),
        List.of(bytes(resource), bytes(owner), bytes(Long.toString(ttl.toMillis())), RETENTION_MS));
    if (reply.size() < 4) {
      return Optional.empty();
    }
    return Optional.of(new Lease(group, resource, owner, (Long) reply.get(1),
        Instant.ofEpochMilli((Long) reply.get(2)), Duration.ofMillis((Long) reply.get(3))));
  }

  /** Whether {@code owner} held the lease (expired or not) and it is now released. */
  public boolean release(String group, String resource, String owner) {
    List<?> reply = commands.script(LuaScript.RELEASE_LEASE,
        List.of(keys.lease(group, resource), keys.leaseResources(group)),
        List.of(bytes(resource), bytes(owner)));
    return (Long) reply.get(1) == 1L;
  }

  /** Every lease of the group still kept, expired ones included, ordered by resource. */
  public List<Lease> list(String group) {
    String resources = keys.leaseResources(group);
    List<?> reply = commands.script(LuaScript.LEASES, List.of(resources),
        List.of(bytes(keys.leasePrefix(group))));
    long now = (Long) reply.get(1);
    List<Lease> leases = new ArrayList<>(reply.size() - 2);
    for (Object entry : reply.subList(2, reply.size())) {
      List<?> fields = (List<?>) entry;
      String resource = text(fields.get(0));
      if (fields.size() < 4) {
        throw errors.unreadable("lease '" + resource + "' of '" + group + "'",
            keys.lease(group, resource), "it lacks its owner, epoch or expiry");
      }
      long expires = (Long) fields.get(3);
      leases.add(new Lease(group, resource, text(fields.get(1)), (Long) fields.get(2),
          Instant.ofEpochMilli(expires), Duration.ofMillis(expires - now)));
    }
    // resources are ASCII, so this is also the order of their bytes
    leases.sort(Comparator.comparing(Lease::resource));
    return leases;
  }
}
