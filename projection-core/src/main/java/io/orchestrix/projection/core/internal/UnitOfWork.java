package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The changes of one batch, applied in memory and committed once at its end: each touched document is
 * written once, however many events changed it. Reads see the batch's own earlier writes, then the
 * batch whose commit may still be in flight, then the cache, then the store. Each event's writes can
 * be rolled back alone (an undo log), so a failing event leaves the good prefix of the batch intact.
 *
 * <p>Documents of deeply immutable types are kept as objects and serialised once, by
 * {@link #encodeChanges()}; if that fails the engine runs the batch again with deferral off, so that
 * the failure is found at the event that caused it. Not thread-safe; used under the writer session's
 * lock (async handlers hand it over through their completed stage).
 */
final class UnitOfWork {

  private static final Object NOTHING = new Object();

  private final ProjectionStore store;
  private final DocumentCache cache;
  private final ReadModels readModels;
  private final boolean honourStoredPositions;
  private final boolean deferEncoding;
  private final Map<String, LinkedHashMap<String, PendingWrite>> pending = new LinkedHashMap<>();
  private final Map<String, Map<String, StoredDocument>> loaded = new HashMap<>();
  private final Map<String, Map<String, Object>> decoded = new HashMap<>();
  private final List<Undo> undo = new ArrayList<>();
  private int eventUndoMark;
  private long eventPosition;

  /**
   * The batch before this one, whose commit may still be in flight; its writes come first. Dropped
   * when the next batch's unit of work is made.
   */
  private @Nullable UnitOfWork previous;

  /**
   * @param honourStoredPositions whether writes from events at or below a document's stored position
   *     are ignored (stores whose commits are not atomic)
   * @param deferEncoding whether documents of deeply immutable types are serialised at commit
   */
  UnitOfWork(ProjectionStore store, DocumentCache cache, ReadModels readModels,
      boolean honourStoredPositions, boolean deferEncoding, @Nullable UnitOfWork previous) {
    this.store = store;
    this.cache = cache;
    this.readModels = readModels;
    this.honourStoredPositions = honourStoredPositions;
    this.deferEncoding = deferEncoding;
    this.previous = previous;
    if (previous != null) {
      // the batch before `previous` has committed (the pipeline keeps one commit in flight), and
      // `previous` reads nothing more: let it go, or a pipelined run would keep every batch
      previous.previous = null;
    }
  }

  /** The result of serialising the batch's documents. */
  sealed interface EncodedChanges {
    /** Every document serialised and accepted by the store's check. */
    record Encoded(List<ReadModelChanges> changes) implements EncodedChanges {}

    /** A deferred document could not be serialised, or the store refuses it. */
    record Refused(RuntimeException failure) implements EncodedChanges {}
  }

  private record Undo(String readModel, String id, Object previous) {}

  void beginEvent(long position) {
    eventPosition = position;
    eventUndoMark = undo.size();
  }

  /** Undoes every write of the current event. */
  void rollbackEvent() {
    for (int i = undo.size() - 1; i >= eventUndoMark; i--) {
      Undo entry = undo.remove(i);
      LinkedHashMap<String, PendingWrite> documents = pending.get(entry.readModel);
      if (entry.previous == NOTHING) {
        documents.remove(entry.id);
      } else {
        documents.put(entry.id, (PendingWrite) entry.previous);
      }
    }
  }

  /** Loads in one round trip every listed document not already known. */
  void prefetch(String readModel, Collection<String> ids) {
    List<String> missing = new ArrayList<>();
    Map<String, StoredDocument> known = loaded.computeIfAbsent(readModel, name -> new HashMap<>());
    for (String id : ids) {
      if (!known.containsKey(id) && cache.lookup(readModel, id) == null
          && (previous == null || previous.written(readModel, id) == null)) {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    Map<String, StoredDocument> found = store.findAll(readModel, missing);
    for (String id : missing) {
      StoredDocument document = found.getOrDefault(id, DocumentCache.ABSENT);
      known.put(id, document);
      cache.put(readModel, id, document);
    }
  }

  /** The document as this batch sees it. */
  <T> Optional<T> find(ReadModel<T> readModel, String id) {
    LinkedHashMap<String, PendingWrite> documents = pending.get(readModel.name());
    PendingWrite write = documents == null ? null : documents.get(id);
    if (write != null) {
      return write.isDelete() ? Optional.empty() : Optional.of(write.value(readModel, readModels));
    }
    StoredDocument base = base(readModel.name(), id);
    if (base == DocumentCache.ABSENT) {
      return Optional.empty();
    }
    if (!readModels.isImmutable(readModel)) {
      return Optional.of(readModels.decode(readModel, base));
    }
    Map<String, Object> values = decoded.computeIfAbsent(readModel.name(), name -> new HashMap<>());
    Object value = values.get(id);
    if (value == null) {
      value = readModels.decode(readModel, base);
      values.put(id, value);
    }
    return Optional.of(readModel.type().cast(value));
  }

  /** The committed document (or {@link DocumentCache#ABSENT}), loaded once per batch. */
  StoredDocument base(String readModel, String id) {
    Map<String, StoredDocument> known = loaded.computeIfAbsent(readModel, name -> new HashMap<>());
    StoredDocument document = known.get(id);
    if (document == null && previous != null) {
      document = previous.written(readModel, id);
    }
    if (document == null) {
      document = cache.lookup(readModel, id);
      if (document == null) {
        document = store.find(readModel, id).orElse(DocumentCache.ABSENT);
        cache.put(readModel, id, document);
      }
      known.put(id, document);
    }
    return document;
  }

  /**
   * Saves a document for the current event.
   *
   * @throws io.orchestrix.projection.SerializationException if it is serialised now and cannot be
   * @throws io.orchestrix.projection.InvalidDocumentException if the store cannot hold it
   */
  <T> void save(ReadModel<T> readModel, T document) {
    String id = readModel.idOf(document);
    if (alreadyApplied(readModel.name(), id)) {
      return;
    }
    long position = Math.max(eventPosition, knownPosition(readModel.name(), id));
    PendingWrite write = deferEncoding && readModels.isImmutable(readModel)
        ? PendingWrite.deferred(readModel, document, position)
        : PendingWrite.encoded(encode(readModel, document, position));
    write(readModel.name(), id, write);
  }

  void delete(String readModel, String id) {
    if (alreadyApplied(readModel, id)) {
      return;
    }
    write(readModel, id, PendingWrite.DELETE);
  }

  /**
   * The stored position of a document this batch has seen, 0 if unknown. A dead letter retried at the
   * checkpoint must not stamp a document with a position older than the one it holds.
   */
  private long knownPosition(String readModel, String id) {
    Map<String, StoredDocument> known = loaded.get(readModel);
    StoredDocument base = known == null ? null : known.get(id);
    return base == null || base == DocumentCache.ABSENT ? 0 : base.position();
  }

  private void write(String readModel, String id, PendingWrite write) {
    LinkedHashMap<String, PendingWrite> documents =
        pending.computeIfAbsent(readModel, name -> new LinkedHashMap<>());
    PendingWrite replaced = documents.put(id, write);
    undo.add(new Undo(readModel, id, replaced == null ? NOTHING : replaced));
  }

  private <T> StoredDocument encode(ReadModel<T> readModel, T document, long position) {
    StoredDocument stored = readModels.encode(readModel, document, position);
    store.checkDocument(readModel.name(), stored);
    return stored;
  }

  /**
   * Whether the stored document already holds this event's effect: a store without transactions may
   * have written it in a commit that was cut short before the checkpoint moved.
   */
  private boolean alreadyApplied(String readModel, String id) {
    if (!honourStoredPositions) {
      return false;
    }
    Map<String, StoredDocument> known = loaded.get(readModel);
    StoredDocument base = known == null ? null : known.get(id);
    if (base == null) {
      base = cache.lookup(readModel, id);
    }
    return base != null && base != DocumentCache.ABSENT && base.position() >= eventPosition;
  }

  /** This batch's writes to a read model, by id, in the order first written. */
  Map<String, PendingWrite> pendingWrites(String readModel) {
    LinkedHashMap<String, PendingWrite> documents = pending.get(readModel);
    return documents == null ? Map.of() : Collections.unmodifiableMap(documents);
  }

  /** What this batch wrote to a document (after {@link #encodeChanges()}): the document, ABSENT, or null. */
  private @Nullable StoredDocument written(String readModel, String id) {
    LinkedHashMap<String, PendingWrite> documents = pending.get(readModel);
    PendingWrite write = documents == null ? null : documents.get(id);
    if (write == null) {
      return null;
    }
    return write.isDelete() ? DocumentCache.ABSENT : write.document();
  }

  /**
   * Serialises every deferred document and checks it with the store: the commit's changes, one per
   * touched document, or the first failure.
   */
  EncodedChanges encodeChanges() {
    List<ReadModelChanges> changes = new ArrayList<>(pending.size());
    for (Map.Entry<String, LinkedHashMap<String, PendingWrite>> entry : pending.entrySet()) {
      List<StoredDocument> puts = new ArrayList<>(entry.getValue().size());
      List<String> deletes = new ArrayList<>(0);
      for (Map.Entry<String, PendingWrite> write : entry.getValue().entrySet()) {
        if (write.getValue().isDelete()) {
          deletes.add(write.getKey());
          continue;
        }
        try {
          puts.add(write.getValue().encode(readModels, store));
        } catch (RuntimeException e) {
          return new EncodedChanges.Refused(e);
        }
      }
      if (!puts.isEmpty() || !deletes.isEmpty()) {
        changes.add(new ReadModelChanges(entry.getKey(), puts, deletes));
      }
    }
    return new EncodedChanges.Encoded(changes);
  }

  /** After a successful commit (or once it is queued): the cache now knows the batch's writes. */
  void publishToCache() {
    pending.forEach((readModel, documents) -> documents.forEach((id, write) ->
        cache.put(readModel, id, write.isDelete() ? null : write.document())));
  }
}
