package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.spi.DocumentChange;
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
 * event leaves the good prefix of the batch intact. Not thread-safe; used under the engine's lock
 * (async handlers hand it over through their completed stage).
 */
final class UnitOfWork {

  private static final Object NOTHING = new Object();

  private final ProjectionStore store;
  private final DocumentCache cache;
  private final Map<String, LinkedHashMap<String, Pending>> pending = new LinkedHashMap<>();
  private final Map<String, Map<String, StoredDocument>> loaded = new HashMap<>();
  private final List<Undo> undo = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private int eventUndoMark;
  private long eventPosition;

  private final boolean honourStoredPositions;

  /**
   * @param honourStoredPositions whether writes from events at or below a document's stored position
   *     are ignored (normal processing); false when dead letters are retried out of position order
   */
  UnitOfWork(ProjectionStore store, DocumentCache cache, boolean honourStoredPositions) {
    this.store = store;
    this.cache = cache;
    this.honourStoredPositions = honourStoredPositions;
  }

  /** A pending write: the new document, or null for a delete. */
  record Pending(@Nullable StoredDocument document) {}

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
      if (!known.containsKey(id) && cache.lookup(readModel, id) == null) {
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
  Optional<StoredDocument> read(String readModel, String id) {
    LinkedHashMap<String, Pending> documents = pending.get(readModel);
    if (documents != null) {
      Pending write = documents.get(id);
      if (write != null) {
        return Optional.ofNullable(write.document);
      }
    }
    StoredDocument base = base(readModel, id);
    return base == DocumentCache.ABSENT ? Optional.empty() : Optional.of(base);
  }

  /** The committed document (or {@link DocumentCache#ABSENT}), loaded once per batch. */
  StoredDocument base(String readModel, String id) {
    Map<String, StoredDocument> known = loaded.computeIfAbsent(readModel, name -> new HashMap<>());
    StoredDocument document = known.get(id);
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

  void put(String readModel, StoredDocument document) {
    write(readModel, document.id(), document);
  }

  void delete(String readModel, String id) {
    write(readModel, id, null);
  }

  private void write(String readModel, String id, @Nullable StoredDocument document) {
    if (alreadyApplied(readModel, id)) {
      return;
    }
    LinkedHashMap<String, Pending> documents =
        pending.computeIfAbsent(readModel, name -> new LinkedHashMap<>());
    Pending previous = documents.put(id, new Pending(document));
    undo.add(new Undo(readModel, id, previous == null ? NOTHING : previous));
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

  /** Pending writes of a read model, by id (null document = delete). */
  Map<String, Pending> pending(String readModel) {
    LinkedHashMap<String, Pending> documents = pending.get(readModel);
    return documents == null ? Map.of() : documents;
  }

  void addDeadLetter(DeadLetter deadLetter) {
    deadLetters.add(deadLetter);
  }

  List<DeadLetter> deadLetters() {
    return deadLetters;
  }

  boolean isEmpty() {
    return pending.values().stream().allMatch(Map::isEmpty) && deadLetters.isEmpty();
  }

  List<DocumentChange> changes() {
    List<DocumentChange> changes = new ArrayList<>();
    pending.forEach((readModel, documents) -> documents.forEach((id, write) -> changes.add(
        write.document == null
            ? new DocumentChange.Delete(readModel, id)
            : new DocumentChange.Put(readModel, write.document))));
    return changes;
  }

  /** After a successful commit: the cache now knows the batch's writes. */
  void publishToCache() {
    pending.forEach((readModel, documents) ->
        documents.forEach((id, write) -> cache.put(readModel, id, write.document)));
  }
}
