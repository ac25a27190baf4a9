package io.orchestrix.projection.spring.internal;

import com.mongodb.client.MongoClient;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.mongo.MongoProjectionStore;
import io.orchestrix.projection.mongo.MongoStoreOptions;
import io.orchestrix.projection.spring.InvalidPropertyException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The MongoDB store on the application's {@code MongoClient}, which the store never closes. Loaded
 * only when store-mongo is present. The database is the store property {@code database}, which is then required.
 */
final class MongoIntegration {

  private MongoIntegration() {}

  static @Nullable ProjectionStateStore storeIfClient(ListableBeanFactory beans,
      Map<String, String> properties) {
    MongoClient client = beans.getBeanProvider(MongoClient.class).getIfUnique();
    if (client == null) {
      return null;
    }
    String database = properties.get(MongoStoreOptions.DATABASE);
    if (database == null) {
      throw new InvalidPropertyException("store.properties." + MongoStoreOptions.DATABASE, "",
          "must name the database when the store uses the application's MongoClient");
    }
    return StoreSelection.opened("store.properties", () -> MongoProjectionStore.open(
        client, database, MongoStoreOptions.fromProperties(properties)));
  }
}
