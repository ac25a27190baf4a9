package io.orchestrix.projection.spring.internal;

import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.redis.RedisProjectionStore;
import io.orchestrix.projection.redis.RedisStoreOptions;
import io.orchestrix.projection.redis.RedisStoreProperties;
import io.orchestrix.projection.spring.InvalidPropertyException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis store on the application's Jedis client ({@code UnifiedJedis}, for example
 * {@code RedisClient}), which the store borrows connections from and never closes. Loaded only when
 * store-redis is present. Of the store's properties only {@code key-prefix} applies to a client the
 * application configured.
 */
final class RedisIntegration {

  private RedisIntegration() {}

  static @Nullable ProjectionStateStore storeIfClient(ListableBeanFactory beans,
      Map<String, String> properties) {
    UnifiedJedis client = beans.getBeanProvider(UnifiedJedis.class).getIfUnique();
    if (client == null) {
      return null;
    }
    RedisStoreOptions.Builder options = RedisStoreOptions.builder();
    for (Map.Entry<String, String> property : properties.entrySet()) {
      if (!property.getKey().equals(RedisStoreProperties.KEY_PREFIX)) {
        throw new InvalidPropertyException("store.properties." + property.getKey(), property.getValue(),
            "is not used with the application's Jedis client; only "
                + RedisStoreProperties.KEY_PREFIX + " is");
      }
      options.keyPrefix(property.getValue());
    }
    return StoreSelection.opened("store.properties",
        () -> RedisProjectionStore.create(client, options.build()));
  }
}
