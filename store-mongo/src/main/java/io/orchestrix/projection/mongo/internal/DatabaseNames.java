package io.orchestrix.projection.mongo.internal;

import org.jspecify.annotations.Nullable;

/** MongoDB's rules for database names. Stateless. */
public final class DatabaseNames {

  private static final int MAX_LENGTH = 63;
  private static final String FORBIDDEN = "/\\. \"$\0";

  private DatabaseNames() {}

  /** Why MongoDB would refuse the name, or null if it accepts it. */
  public static @Nullable String problem(String database) {
    if (database.isEmpty() || database.length() > MAX_LENGTH
        || database.chars().anyMatch(c -> FORBIDDEN.indexOf(c) >= 0)) {
      return "a database name must be 1 to " + MAX_LENGTH + " characters without / \\ . space \" $"
          + " or NUL, but was '" + database.replace("\0", "\\u0000") + "'";
    }
    return null;
  }
}
