package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read models prepared on one store instance, each with the widest set of indexes it was
 * prepared with. Thread-safe.
 */
final class PreparedReadModels {

  private final String storeDescription;
  private final Map<String, ReadModelSchema> schemas = new ConcurrentHashMap<>();

  PreparedReadModels(String storeDescription) {
    this.storeDescription = storeDescription;
  }

  /** Records a prepared schema; one that declares fewer indexes than the known one changes nothing. */
  void add(ReadModelSchema schema) {
    schemas.merge(schema.name(), schema, (known, added) -> known.indexes().containsAll(added.indexes())
        ? known : added);
  }

  /**
   * {@return the schema the read model was prepared with}
   *
   * @throws IllegalArgumentException naming the read model if its name is invalid or it was not
   *     prepared on this instance
   */
  ReadModelSchema require(String readModel) {
    ReadModelSchema schema = schemas.get(readModel);
    if (schema == null) {
      ProjectionIds.requireValidName(readModel, "read-model name");
      throw new IllegalArgumentException("read model '" + readModel + "' was not prepared on "
          + storeDescription + "; declare it on the engine (or call prepareReadModel) first");
    }
    return schema;
  }
}
