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
 * has seen every document, for example since a reset), so that a miss means "absent" without asking
 * the store. Bounded: the least recently used entries are evicted. A complete read model keeps the ids
 * it evicts in a Bloom filter, so it stays complete: a miss the filter rules out is absent, any other
 * miss asks the store. That keeps a rebuild of a read model larger than the cache free of reads for
 * new documents; once the filter fills up, misses simply ask the store. Not thread-safe; used under
 * the engine's lock.
 */
final class DocumentCache {

  /** Marks an id known to have no document; compared by identity only: no stored document is this object, whatever its id. */
  static final StoredDocument ABSENT = new StoredDocument("absent (sentinel)", "null", Map.of());

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
    if (document == null && entries.complete
        && (entries.evicted == null || !entries.evicted.mightContain(id))) {
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
      entries.evicted = null;
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
    private @Nullable EvictedIds evicted;

    Entries(int capacity) {
      super(Math.min(capacity, 1 << 16), 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, StoredDocument> eldest) {
      if (size() > capacity) {
        if (complete) {
          if (evicted == null) {
            evicted = new EvictedIds(capacity);
          }
          evicted.add(eldest.getKey());
        }
        return true;
      }
      return false;
    }
  }

  /**
   * A Bloom filter of evicted ids: {@link #mightContain} is true for every id added, and for under
   * 1 % of other ids while it holds up to about 800,000 ids or four times the cache's capacity,
   * whichever is more (40 bits per entry of the capacity, from 1 MiB to 8 MiB).
   */
  static final class EvictedIds {
    private static final int HASHES = 7;
    private final long[] words;
    private final int mask;

    EvictedIds(int capacity) {
      long wanted = Math.max(1L << 23, Math.min(1L << 26, capacity * 40L));
      int bits = Integer.highestOneBit((int) (wanted - 1)) << 1;
      this.words = new long[bits >>> 6];
      this.mask = bits - 1;
    }

    void add(String id) {
      long hash = hash(id);
      int h1 = (int) hash;
      int h2 = (int) (hash >>> 32) | 1;
      for (int i = 0; i < HASHES; i++) {
        int bit = (h1 + i * h2) & mask;
        words[bit >>> 6] |= 1L << bit;
      }
    }

    boolean mightContain(String id) {
      long hash = hash(id);
      int h1 = (int) hash;
      int h2 = (int) (hash >>> 32) | 1;
      for (int i = 0; i < HASHES; i++) {
        int bit = (h1 + i * h2) & mask;
        if ((words[bit >>> 6] & (1L << bit)) == 0) {
          return false;
        }
      }
      return true;
    }

    /** FNV-1a over the chars, then MurmurHash3's finaliser, so that both halves are well mixed. */
    private static long hash(String id) {
      long h = 0xcbf29ce484222325L;
      for (int i = 0; i < id.length(); i++) {
        h = (h ^ id.charAt(i)) * 0x100000001b3L;
      }
      h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
      h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
      return h ^ (h >>> 33);
    }
  }
}
