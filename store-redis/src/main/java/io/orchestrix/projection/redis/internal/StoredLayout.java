package io.orchestrix.projection.redis.internal;

import static io.orchestrix.projection.redis.internal.KeyLayout.bytes;
import static io.orchestrix.projection.redis.internal.RedisCommands.text;

import io.orchestrix.projection.StoreConfigurationException;
import java.util.List;

/**
 * The version of the key layout recorded under a prefix ({@link KeyLayout#VERSION}), checked when a
 * store opens: a fresh prefix gets this code's version; data of a layout this code reads as it is
 * ({@link KeyLayout#OLDEST_UPGRADED} and later) is upgraded in place, which only records the new
 * version; data of any other version is refused, because this code would misread it. Stateless.
 */
public final class StoredLayout {

  private StoredLayout() {}

  /**
   * Records this code's layout under a fresh prefix, or checks the one recorded and upgrades it if
   * this code reads it as it is.
   *
   * @param store the store's description, for messages
   * @throws StoreConfigurationException if the data under the prefix has another layout
   */
  public static void check(RedisCommands commands, KeyLayout keys, RedisErrors errors, String store) {
    List<?> reply = commands.script(LuaScript.CHECK_LAYOUT, List.of(keys.meta()),
        List.of(bytes(Integer.toString(KeyLayout.VERSION)),
            bytes(Integer.toString(KeyLayout.OLDEST_UPGRADED))));
    String stored = text(reply.get(1));
    int version;
    try {
      version = Integer.parseInt(stored);
    } catch (NumberFormatException e) {
      throw errors.unreadable("the layout version", keys.meta(), "'" + stored + "' is not a number");
    }
    if (version > KeyLayout.VERSION) {
      throw new StoreConfigurationException("cannot open " + store + ": its keys were written by a"
          + " newer version of the Redis store (layout " + version + "; this code knows layout "
          + KeyLayout.VERSION + "); upgrade store-redis, or use another key prefix", null);
    }
    if (version < KeyLayout.OLDEST_UPGRADED) {
      throw new StoreConfigurationException("cannot open " + store + ": its keys were written by an"
          + " older version of the Redis store (layout " + version + ", whose indexes this code"
          + " does not read; this code knows layout " + KeyLayout.VERSION + "); use another key"
          + " prefix and replay the projections into it, or delete the keys under '"
          + keys.prefix() + "' and replay", null);
    }
  }
}
