package io.orchestrix.projection.spring.internal;

import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import io.orchestrix.projection.spring.InvalidPropertyException;
import io.orchestrix.projection.spring.ProjectionsProperties;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Opens the JDBC event store of the source properties. Loaded only with event-store-jdbc present. */
public final class JdbcSources {

  private JdbcSources() {}

  /**
   * The event store at {@code source.uri}, or on the data source when the URI is unset.
   *
   * @throws InvalidPropertyException naming {@code source.uri} or {@code source.properties} if the
   *     event store refuses them
   */
  public static JdbcEventStore open(ProjectionsProperties.Source source, EventTypes types,
      @Nullable DataSource dataSource) {
    JdbcStoreOptions options;
    try {
      options = JdbcStoreOptions.fromProperties(source.properties());
    } catch (io.orchestrix.projection.StoreConfigurationException | IllegalArgumentException refused) {
      throw new InvalidPropertyException("source.properties", refused);
    }
    try {
      if (source.uri() != null) {
        return JdbcEventStore.open(source.uri(), types, options);
      }
      if (dataSource == null) {
        throw new InvalidPropertyException("source.uri", "",
            "must be set: the application has no single DataSource for the event store");
      }
      return JdbcEventStore.create(dataSource, types, options);
    } catch (io.orchestrix.projection.StoreConfigurationException refused) {
      throw new InvalidPropertyException("source.uri", refused);
    }
  }
}
