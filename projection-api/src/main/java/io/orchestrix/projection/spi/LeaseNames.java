package io.orchestrix.projection.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The rules for lease groups, resources, owners and times, the same for every store so that each can
 * keep them in a column, a key or a document id as they are. Stateless and thread-safe.
 *
 * <p>A group or resource is 1 to {@link #MAX_LENGTH} characters of ASCII letters, digits and
 * {@code - _ . # :}. An owner is 1 to {@link #MAX_LENGTH} printable ASCII characters. A time to live
 * is {@link #MIN_TTL} to {@link #MAX_TTL}.
 */
public final class LeaseNames {

  /** Longest group, resource or owner. */
  public static final int MAX_LENGTH = 120;
  /** Shortest time to live of a lease. */
  public static final Duration MIN_TTL = Duration.ofMillis(100);
  /** Longest time to live of a lease. */
  public static final Duration MAX_TTL = Duration.ofDays(1);

  private LeaseNames() {}

  /**
   * Checks a lease's names and time to live.
   *
   * @param group the lease's group
   * @param resource the resource the lease grants
   * @param owner the lease's owner
   * @param ttl the time to live
   * @throws NullPointerException naming a null argument
   * @throws IllegalArgumentException naming the argument and the rule it breaks
   */
  public static void require(String group, String resource, String owner, Duration ttl) {
    requireGroup(group);
    requireName(Objects.requireNonNull(resource, "resource must not be null"), "lease resource");
    requireOwner(owner);
    Objects.requireNonNull(ttl, "ttl must not be null");
    if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "a lease's time to live must be " + MIN_TTL + " to " + MAX_TTL + " but was " + ttl);
    }
  }

  /**
   * Checks a group's name.
   *
   * @param group the group's name
   * @return the name, unchanged
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException naming the name and the rule it breaks
   */
  public static String requireGroup(String group) {
    return requireName(Objects.requireNonNull(group, "group must not be null"), "lease group");
  }

  /**
   * Checks an owner's name.
   *
   * @param owner the owner's name
   * @return the name, unchanged
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException naming the name and the rule it breaks
   */
  public static String requireOwner(String owner) {
    Objects.requireNonNull(owner, "owner must not be null");
    boolean ok = !owner.isEmpty() && owner.length() <= MAX_LENGTH;
    for (int i = 0; ok && i < owner.length(); i++) {
      ok = owner.charAt(i) > ' ' && owner.charAt(i) < 127;
    }
    if (!ok) {
      throw new IllegalArgumentException("a lease owner must be 1 to " + MAX_LENGTH
          + " printable ASCII characters without spaces, but was '" + owner + "'");
    }
    return owner;
  }

  private static String requireName(String name, String what) {
    boolean ok = !name.isEmpty() && name.length() <= MAX_LENGTH;
    for (int i = 0; ok && i < name.length(); i++) {
      char c = name.charAt(i);
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
          || c == '_' || c == '.' || c == '#' || c == ':';
    }
    if (!ok) {
      throw new IllegalArgumentException(what + " must be 1 to " + MAX_LENGTH
          + " characters of letters, digits, '-', '_', '.', '#' and ':', but was '" + name + "'");
    }
    return name;
  }
}
