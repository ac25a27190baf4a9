package io.orchestrix.projection.spring.internal;

import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.core.ProjectionStores;
import io.orchestrix.projection.spring.InvalidPropertyException;
import io.orchestrix.projection.spring.ProjectionsProperties;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Opens the projection store: the URI of {@code orchestrix.projections.store.uri} if set; otherwise
 * the application's DataSource (store-jdbc on the class path), Jedis client (store-redis) or
 * MongoClient (store-mongo), in that order; otherwise {@code memory:}. Having a module on the class
 * path alone never changes the choice: the application must also have the client.
 */
public final class StoreSelection {

  private static final String JDBC_STORE = "io.orchestrix.projection.jdbc.JdbcProjectionStore";
  private static final String REDIS_STORE = "io.orchestrix.projection.redis.RedisProjectionStore";
  private static final String JEDIS = "redis.clients.jedis.UnifiedJedis";
  private static final String MONGO_STORE = "io.orchestrix.projection.mongo.MongoProjectionStore";
  private static final String MONGO_CLIENT = "com.mongodb.client.MongoClient";

  private StoreSelection() {}

  /**
   * The store, open.
   *
   * @throws InvalidPropertyException naming {@code store.uri} or {@code store.properties} if the
   *     store refuses them
   */
  public static ProjectionStateStore open(ProjectionsProperties.Store settings,
      ListableBeanFactory beans, ClassLoader classLoader) {
    Map<String, String> properties = settings.properties();
    if (settings.uri() != null) {
      return opened("store.uri", () -> ProjectionStores.open(settings.uri(), properties));
    }
    if (ClassUtils.isPresent(JDBC_STORE, classLoader)) {
      DataSource dataSource = beans.getBeanProvider(DataSource.class).getIfUnique();
      if (dataSource != null) {
        return opened("store.properties", () -> JdbcIntegration.store(dataSource, properties));
      }
    }
    if (ClassUtils.isPresent(REDIS_STORE, classLoader) && ClassUtils.isPresent(JEDIS, classLoader)) {
      ProjectionStateStore redis = RedisIntegration.storeIfClient(beans, properties);
      if (redis != null) {
        return redis;
      }
    }
    if (ClassUtils.isPresent(MONGO_STORE, classLoader) && ClassUtils.isPresent(MONGO_CLIENT, classLoader)) {
      ProjectionStateStore mongo = MongoIntegration.storeIfClient(beans, properties);
      if (mongo != null) {
        return mongo;
      }
    }
    return opened("store.properties", () -> ProjectionStores.open("memory:", properties));
  }

  static ProjectionStateStore opened(String property, java.util.function.Supplier<ProjectionStateStore> opening) {
    try {
      return opening.get();
    } catch (io.orchestrix.projection.StoreConfigurationException | IllegalArgumentException refused) {
      throw new InvalidPropertyException(property, refused);
    }
  }
}
