package io.orchestrix.projection.spring.internal;

import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.jdbc.JdbcProjectionStore;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import java.util.Map;
import javax.sql.DataSource;

/** The JDBC store on the application's DataSource. Loaded only when store-jdbc is present. */
final class JdbcIntegration {

  private JdbcIntegration() {}

  static ProjectionStateStore store(DataSource dataSource, Map<String, String> properties) {
    return JdbcProjectionStore.create(dataSource, JdbcStoreOptions.fromProperties(properties));
  }
}
