package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One pending write of a batch: a serialised document, a deeply immutable object whose serialisation
 * waits for the commit, or a delete. Not thread-safe; lives in one unit of work.
 */
final class PendingWrite {

  static final PendingWrite DELETE = new PendingWrite(null, null, null, 0);

  private @Nullable StoredDocument document;
  private final @Nullable Object value;
  private final @Nullable ReadModel<?> readModel;
  private final long position;

  private PendingWrite(@Nullable StoredDocument document, @Nullable Object value,
      @Nullable ReadModel<?> readModel, long position) {
    this.document = document;
    this.value = value;
    this.readModel = readModel;
    this.position = position;
  }

  static PendingWrite encoded(StoredDocument document) {
    return new PendingWrite(document, null, null, document.position());
  }

  static <T> PendingWrite deferred(ReadModel<T> readModel, T value, long position) {
    return new PendingWrite(null, value, readModel, position);
  }

  boolean isDelete() {
    return this == DELETE;
  }

  /** The document as an object of the read model's type. */
  <T> T value(ReadModel<T> model, ReadModels readModels) {
    if (value != null) {
      return model.type().cast(value);
    }
    return readModels.decode(model, Objects.requireNonNull(document, "a delete has no value"));
  }

  /** The document's index values, without serialising it. */
  @SuppressWarnings("unchecked")
  <T> Map<String, String> indexValues() {
    if (value != null) {
      ReadModel<T> model = (ReadModel<T>) Objects.requireNonNull(readModel);
      return model.indexValuesOf((T) value);
    }
    return Objects.requireNonNull(document, "a delete has no index values").indexValues();
  }

  /** The serialised document, encoding and checking it now if it was deferred. */
  @SuppressWarnings("unchecked")
  <T> StoredDocument encode(ReadModels readModels, ProjectionStore store) {
    if (document == null) {
      ReadModel<T> model = (ReadModel<T>) Objects.requireNonNull(readModel, "a delete has no document");
      StoredDocument stored = readModels.encode(model, (T) value, position);
      store.checkDocument(model.name(), stored);
      document = stored;
    }
    return document;
  }

  /** The serialised document; only after {@link #encode}, or for a write serialised at save. */
  StoredDocument document() {
    return Objects.requireNonNull(document, "the document was not serialised yet");
  }
}
