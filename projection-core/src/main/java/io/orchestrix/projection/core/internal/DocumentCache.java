package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.spi.StoredDocument;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The documents this projection has read or written, so that a batch needs no round trip for them.
 * Coherent only because the projection has one fenced writer: the engine drops it on any conflict,
 * failed commit, reset or new claim. Per read model it may also know that it is <em>complete</em> (it
 * holds every document, for example after a reset), so that a miss means "absent" without asking the
 * store. Bounded: the least recently used entries are evicted, and eviction ends completeness. Not
 * thread-safe; used under the engine's lock.
 */
final class DocumentCache {

  /** Marks an id known to have no document. */
  static final StoredDocument ABSENT = new StoredDocument("\u0000absent", "null", Map.of());

  private final int capacityPerReadModel;
  private final Map<String, Entries> byReadModel = new HashMap<>();

  DocumentCache(int capacityPerReadModel) {
    this.capacityPerReadModel = capacityPerReadModel;
  }

  /** The cached document, {@link #ABSENT} if known absent, or null if unknown. */
  @Nullable StoredDocument lookup(String readModel, String id) {
    Entries entries = byReadModel.get(readModel);
    if (entries == null) {
      return null;
    }
    StoredDocument document = entries.get(id);
    if (document == null && entries.complete) {
      return ABSENT;
    }
    return document;
  }

  void put(String readModel, String id, @Nullable StoredDocument documentOrNull) {
    if (capacityPerReadModel == 0) {
      return;
    }
    Entries entries = entries(readModel);
    if (documentOrNull == null || documentOrNull == ABSENT) {
      if (entries.complete) {
        entries.remove(id);
      } else {
        entries.put(id, ABSENT);
      }
    } else {
      entries.put(id, documentOrNull);
    }
  }

  /** Records that the cache holds every document of the read model (it is empty in the store). */
  void markComplete(String readModel) {
    if (capacityPerReadModel > 0) {
      Entries entries = entries(readModel);
      entries.clear();
      entries.complete = true;
    }
  }

  void clear() {
    byReadModel.clear();
  }

  private Entries entries(String readModel) {
    return byReadModel.computeIfAbsent(readModel, name -> new Entries(capacityPerReadModel));
  }

  private static final class Entries extends LinkedHashMap<String, StoredDocument> {
    private static final long serialVersionUID = 1L;
    private final int capacity;
    private boolean complete;

    Entries(int capacity) {
      super(Math.min(capacity, 1 << 16), 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, StoredDocument> eldest) {
      if (size() > capacity) {
        complete = false;
        return true;
      }
      return false;
    }
  }
}
