package io.orchestrix.projection.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A lease kept by a store: {@code owner} holds {@code resource} of {@code group} until
 * {@code expiresAt}, by the store's own clock. Nodes coordinate through leases (which node works on
 * which partition, which nodes are alive) without comparing their clocks: only the store decides
 * whether a lease has expired. Immutable.
 *
 * @param group what the leases are about, such as a projection's id
 * @param resource the thing leased within the group, such as a partition
 * @param owner who holds it, such as a node's name
 * @param epoch increases every time the lease is taken afresh (by another owner, or after it
 *     expired); stays the same while one owner renews it in time
 * @param expiresAt when it expires, by the store's clock
 * @param remaining how long it had left when the store answered, by the store's clock; zero or
 *     negative once expired
 */
public record Lease(
    String group, String resource, String owner, long epoch, Instant expiresAt, Duration remaining) {

  /**
   * Checks that no component is null.
   *
   * @param group what the leases are about
   * @param resource the thing leased within the group
   * @param owner who holds it
   * @param epoch the lease's epoch, which grows each time it is taken afresh
   * @param expiresAt when it expires, by the store's clock
   * @param remaining how long it had left when the store answered
   */
  public Lease {
    Objects.requireNonNull(group, "group must not be null");
    Objects.requireNonNull(resource, "resource must not be null");
    Objects.requireNonNull(owner, "owner must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
    Objects.requireNonNull(remaining, "remaining must not be null");
  }

  /** {@return whether the lease had expired when the store answered} */
  public boolean expired() {
    return remaining.isZero() || remaining.isNegative();
  }
}
