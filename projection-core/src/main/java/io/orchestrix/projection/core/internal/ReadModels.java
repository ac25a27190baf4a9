package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.DocumentCodec;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The read models declared on one engine, by name, and the codec that maps their documents. */
final class ReadModels {

  private final Map<String, ReadModel<?>> byName = new LinkedHashMap<>();
  private final Map<String, Boolean> immutable = new java.util.HashMap<>();
  private final DocumentCodec codec;

  private final Map<String, ReadModel<?>> aliases;

  ReadModels(List<ReadModel<?>> declared, DocumentCodec codec) {
    this(declared, codec, Map.of());
  }

  /**
   * @param aliases read models by the name handlers and queries know them by, mapped to the declared
   *     one that stands for each (a generation's own)
   */
  ReadModels(List<ReadModel<?>> declared, DocumentCodec codec, Map<String, ReadModel<?>> aliases) {
    this.codec = codec;
    this.aliases = Map.copyOf(aliases);
    for (ReadModel<?> readModel : declared) {
      ReadModel<?> previous = byName.putIfAbsent(readModel.name(), readModel);
      if (previous != null && previous != readModel) {
        throw new IllegalArgumentException("two read models are named '" + readModel.name() + "': "
            + previous + " and " + readModel);
      }
      immutable.put(readModel.name(), DeepImmutability.of(readModel.type()));
    }
  }

  /** Whether documents of this read model are deeply immutable, so they may be shared in a batch. */
  boolean isImmutable(ReadModel<?> readModel) {
    return immutable.getOrDefault(readModel.name(), false);
  }

  Collection<ReadModel<?>> all() {
    return byName.values();
  }

  /** The declared read model, checking that it is the one the caller holds. */
  @SuppressWarnings("unchecked")
  <T> ReadModel<T> require(ReadModel<T> readModel, String projectionId) {
    ReadModel<?> alias = aliases.get(readModel.name());
    ReadModel<?> declared = alias != null ? alias : byName.get(readModel.name());
    if (declared == null || declared.type() != readModel.type()) {
      throw new IllegalArgumentException("read model '" + readModel.name()
          + "' is not declared on projection '" + projectionId + "'; declared: "
          + (aliases.isEmpty() ? byName.keySet() : aliases.keySet())
          + "; add it with readModel(...) on the engine builder");
    }
    return alias != null ? (ReadModel<T>) alias : readModel;
  }

  <T> T decode(ReadModel<T> readModel, StoredDocument document) {
    return codec.decode(document.json(), readModel.type());
  }

  <T> StoredDocument encode(ReadModel<T> readModel, T document, long position) {
    String id = readModel.idOf(document);
    return new StoredDocument(id, codec.encode(document), readModel.indexValuesOf(document), position);
  }

  /** What a store needs to know to hold a read model. */
  static ReadModelSchema schemaOf(ReadModel<?> readModel) {
    return new ReadModelSchema(readModel.name(), readModel.indexNames());
  }

  static void requireIndex(ReadModel<?> readModel, String index) {
    if (!readModel.indexNames().contains(index)) {
      throw new IllegalArgumentException("read model '" + readModel.name() + "' has no index '"
          + index + "'; declared indexes: " + readModel.indexNames());
    }
  }
}
