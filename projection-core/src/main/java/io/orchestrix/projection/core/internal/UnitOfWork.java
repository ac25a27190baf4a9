package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The changes of one batch, applied in memory and committed once at its end: each touched document is
 * written once, however many events changed it. Reads see the batch's own earlier writes, then the
 * cache, then the store. Each event's writes can be rolled back alone (an undo log), so a failing
 * event leaves the good prefix of the batch intact.
 *
 * <p>Documents of deeply immutable types are kept as objects and serialised once, when the commit is
 * built ({@link #changes()}); if that fails, the engine runs the batch again with
 * {@code deferEncoding} off, so that the failure is found at the event that caused it. Not
 * thread-safe; used under the engine's lock (async handlers hand it over through their completed
 * stage).
 */
final class UnitOfWork {

  private static final Object NOTHING = new Object();

  private final ProjectionStore store;
  private final DocumentCache cache;
  private final ReadModels readModels;
  private final boolean honourStoredPositions;
  private final boolean deferEncoding;
  private final Map<String, LinkedHashMap<String, Pending>> pending = new LinkedHashMap<>();
  private final Map<String, Map<String, StoredDocument>> loaded = new HashMap<>();
  private final Map<String, Map<String, Object>> decoded = new HashMap<>();
  private final List<Undo> undo = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private int eventUndoMark;
  private long eventPosition;

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
      // the batch before `previous` has committed (the engine keeps one commit in flight), and
      // `previous` reads nothing more: let it go, or a pipelined run would keep every batch
      previous.previous = null;
    }
  }

  /**
   * The batch before this one, whose commit may still be in flight; its writes come first. Dropped
   * when the next batch's unit of work is made.
   */
  private @Nullable UnitOfWork previous;

  /** What this batch wrote to a document: the document, ABSENT if deleted, null if untouched. */
  private @Nullable StoredDocument written(String readModel, String id) {
    LinkedHashMap<String, Pending> documents = pending.get(readModel);
    Pending write = documents == null ? null : documents.get(id);
    if (write == null) {
      return null;
    }
    StoredDocument document = document(write);
    return document == null ? DocumentCache.ABSENT : document;
  }

  /**
   * A pending write: a serialised document, or (deferred) the immutable object and the position of the
   * event that wrote it; both null for a delete.
   */
  static final class Pending {
    private @Nullable StoredDocument document;
    private final @Nullable Object value;
    private final @Nullable ReadModel<?> readModel;
    private final long position;

    Pending(@Nullable StoredDocument document, @Nullable Object value,
        @Nullable ReadModel<?> readModel, long position) {
      this.document = document;
      this.value = value;
      this.readModel = readModel;
      this.position = position;
    }

    boolean deleted() {
      return document == null && value == null;
    }
  }

  /** Raised by {@link #changes()} when a deferred document cannot be serialised or stored. */
  static final class DeferredEncodingFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeferredEncodingFailed(RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private record Undo(String readModel, String id, Object previous) {}

  void beginEvent(long position) {
    eventPosition = position;
    eventUndoMark = undo.size();
  }

  long eventPosition() {
    return eventPosition;
  }

  /** Undoes every write of the current event. */
  void rollbackEvent() {
    for (int i = undo.size() - 1; i >= eventUndoMark; i--) {
      Undo entry = undo.remove(i);
      LinkedHashMap<String, Pending> documents = pending.get(entry.readModel);
      if (entry.previous == NOTHING) {
        documents.remove(entry.id);
      } else {
        documents.put(entry.id, (Pending) entry.previous);
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
    LinkedHashMap<String, Pending> documents = pending.get(readModel.name());
    Pending write = documents == null ? null : documents.get(id);
    if (write != null) {
      if (write.deleted()) {
        return Optional.empty();
      }
      if (write.value != null) {
        return Optional.of(readModel.type().cast(write.value));
      }
      return Optional.of(readModels.decode(readModel, write.document));
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

  <T> void save(ReadModel<T> readModel, T document) {
    String id = readModel.idOf(document);
    if (alreadyApplied(readModel.name(), id)) {
      return;
    }
    long position = Math.max(eventPosition, knownPosition(readModel.name(), id));
    if (deferEncoding && readModels.isImmutable(readModel)) {
      write(readModel.name(), id, new Pending(null, document, readModel, position));
    } else {
      write(readModel.name(), id, new Pending(encode(readModel, document, position), null,
          null, position));
    }
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

  void delete(String readModel, String id) {
    if (alreadyApplied(readModel, id)) {
      return;
    }
    write(readModel, id, new Pending(null, null, null, eventPosition));
  }

  private void write(String readModel, String id, Pending write) {
    LinkedHashMap<String, Pending> documents =
        pending.computeIfAbsent(readModel, name -> new LinkedHashMap<>());
    Pending previous = documents.put(id, write);
    undo.add(new Undo(readModel, id, previous == null ? NOTHING : previous));
  }

  private <T> StoredDocument encode(ReadModel<T> readModel, T document, long position) {
    StoredDocument stored = readModels.encode(readModel, document, position);
    store.checkDocument(readModel.name(), stored);
    return stored;
  }

  @SuppressWarnings("unchecked")
  private static <T> StoredDocument encodeDeferred(ReadModels readModels, ProjectionStore store,
      Pending write) {
    ReadModel<T> readModel = (ReadModel<T>) write.readModel;
    StoredDocument stored = readModels.encode(readModel, (T) write.value, write.position);
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

  /**
   * Pending writes of a read model as documents, by id (null = deleted); deferred documents are
   * serialised here.
   */
  Map<String, @Nullable StoredDocument> pendingDocuments(String readModel) {
    LinkedHashMap<String, Pending> documents = pending.get(readModel);
    if (documents == null) {
      return Map.of();
    }
    Map<String, @Nullable StoredDocument> result = new LinkedHashMap<>();
    try {
      documents.forEach((id, write) -> result.put(id, document(write)));
    } catch (RuntimeException e) {
      throw new DeferredEncodingFailed(e);
    }
    return result;
  }

  private @Nullable StoredDocument document(Pending write) {
    if (write.document == null && write.value != null) {
      write.document = encodeDeferred(readModels, store, write);
    }
    return write.document;
  }

  void addDeadLetter(DeadLetter deadLetter) {
    deadLetters.add(deadLetter);
  }

  List<DeadLetter> deadLetters() {
    return deadLetters;
  }

  /**
   * The commit's changes, one per touched document.
   *
   * @throws DeferredEncodingFailed if a deferred document cannot be serialised or stored
   */
  List<ReadModelChanges> changes() {
    List<ReadModelChanges> changes = new ArrayList<>(pending.size());
    try {
      pending.forEach((readModel, documents) -> {
        List<StoredDocument> puts = new ArrayList<>(documents.size());
        List<String> deletes = new ArrayList<>(0);
        documents.forEach((id, write) -> {
          StoredDocument document = document(write);
          if (document == null) {
            deletes.add(id);
          } else {
            puts.add(document);
          }
        });
        if (!puts.isEmpty() || !deletes.isEmpty()) {
          changes.add(new ReadModelChanges(readModel, puts, deletes));
        }
      });
    } catch (DeferredEncodingFailed e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DeferredEncodingFailed(e);
    }
    return changes;
  }

  /** After a successful commit: the cache now knows the batch's writes. */
  void publishToCache() {
    pending.forEach((readModel, documents) ->
        documents.forEach((id, write) -> cache.put(readModel, id, write.document)));
  }
}
