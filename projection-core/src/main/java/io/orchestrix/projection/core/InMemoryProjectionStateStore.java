package io.orchestrix.projection.core;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.spi.support.AbstractProjectionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The embedded default store, the seed's {@code InMemoryProjectionStateStore}: projection state, read
 * models with real indexes, and dead letters, all in this JVM's memory. Open it directly or as
 * {@code memory:} through {@link ProjectionStores}.
 *
 * <p>Thread-safe: every operation holds one lock, so a commit is atomic and isolated exactly as in a
 * durable store (it is validated completely before anything changes). Nothing survives the JVM; use a
 * durable store in production. Documents are kept in id order ({@link String#compareTo}). Leases
 * expire by the store's {@link Clock}; handles made by {@link #openAnother()} share it, as the nodes of
 * a durable store share the database's clock.
 */
public final class InMemoryProjectionStateStore extends AbstractProjectionStore {

  private final Data data;

  /** What every handle on the same data shares; its monitor is the one lock. */
  private static final class Data {
    private final Map<String, ProjectionState> states = new HashMap<>();
    private final Map<String, Long> writerTokens = new HashMap<>();
    private final Map<String, ReadModelData> readModels = new HashMap<>();
    private final Map<String, TreeMap<Long, DeadLetter>> deadLetters = new HashMap<>();
    private final MemoryLeases leases;

    Data(Clock clock) {
      this.leases = new MemoryLeases(clock);
    }
  }

  /** A new, empty store. */
  public InMemoryProjectionStateStore() {
    this("memory:");
  }

  /**
   * A new, empty store described by the given name in messages.
   *
   * @param description the store's name in messages; not null
   */
  public InMemoryProjectionStateStore(String description) {
    this(description, Clock.systemUTC());
  }

  /**
   * A new, empty store described by the given name, whose leases expire by the given clock (a test's
   * controllable clock, say).
   *
   * @param description the store's name in messages; not null
   * @param clock the clock leases expire by; not null
   */
  public InMemoryProjectionStateStore(String description, Clock clock) {
    this(description, new Data(Objects.requireNonNull(clock, "clock must not be null")));
  }

  private InMemoryProjectionStateStore(String description, Data data) {
    super(description);
    this.data = data;
  }

  /**
   * Another store over the same data, as a second process would open a durable store: what one
   * commits the other reads, each claims writers and is closed on its own.
   *
   * @return a new store instance over this one's data
   */
  public InMemoryProjectionStateStore openAnother() {
    return new InMemoryProjectionStateStore(description(), data);
  }

  @Override
  protected Optional<ProjectionState> doLoadState(String projectionId) {
    synchronized (data) {
      return Optional.ofNullable(data.states.get(projectionId));
    }
  }

  @Override
  protected void doSaveState(ProjectionState state) {
    synchronized (data) {
      data.states.put(state.projectionId(), state);
    }
  }

  @Override
  protected void doPrepareReadModel(ReadModelSchema schema) {
    synchronized (data) {
      ReadModelData existing = data.readModels.get(schema.name());
      if (existing == null) {
        data.readModels.put(schema.name(), new ReadModelData(schema));
      } else if (!existing.schema.indexes().containsAll(schema.indexes())) {
        existing.addIndexes(schema);
      }
    }
  }

  @Override
  protected long doClaimWriter(String projectionId) {
    synchronized (data) {
      data.states.computeIfAbsent(projectionId,
          id -> ProjectionState.initial(id, Clock.systemUTC().instant()));
      return data.writerTokens.merge(projectionId, 1L, Long::sum);
    }
  }

  @Override
  protected void doCommit(Commit commit) {
    synchronized (data) {
      String projectionId = commit.projectionId();
      long token = data.writerTokens.getOrDefault(projectionId, 0L);
      if (token != commit.writerToken()) {
        throw new WriterFencedException(projectionId, commit.writerToken(), token);
      }
      ProjectionState current = data.states.get(projectionId);
      long position = current == null ? 0 : current.lastProcessedPosition();
      if (position != commit.expectedPosition()) {
        throw new CheckpointConflictException(projectionId, commit.expectedPosition(), position);
      }
      int partition = commit.partition();
      if (partition != Commit.UNPARTITIONED) {
        for (ReadModelChanges changes : commit.changes()) {
          ReadModelData target = data(changes.readModel());
          changes.puts().forEach(document -> target.requireWritableBy(projectionId,
              document.id(), partition));
          changes.deletes().forEach(id -> target.requireWritableBy(projectionId, id, partition));
        }
      }
      commit.clearedReadModels().forEach(name -> data(name).clear(partition));
      if (commit.clearsDeadLetters()) {
        data.deadLetters.remove(projectionId);
      }
      for (ReadModelChanges changes : commit.changes()) {
        ReadModelData target = data(changes.readModel());
        changes.puts().forEach(document -> target.put(document, partition));
        changes.deletes().forEach(target::delete);
      }
      if (!commit.deadLettersAdded().isEmpty() || !commit.deadLettersRemoved().isEmpty()) {
        TreeMap<Long, DeadLetter> letters =
            data.deadLetters.computeIfAbsent(projectionId, id -> new TreeMap<>());
        commit.deadLettersAdded().forEach(letter -> letters.put(letter.position(), letter));
        commit.deadLettersRemoved().forEach(letters::remove);
      }
      data.states.put(projectionId, commit.state());
    }
  }

  @Override
  protected Optional<StoredDocument> doFind(String readModel, String id) {
    synchronized (data) {
      return Optional.ofNullable(data(readModel).documents.get(id));
    }
  }

  @Override
  protected Map<String, StoredDocument> doFindAll(String readModel, List<String> ids) {
    synchronized (data) {
      ReadModelData readModelData = data(readModel);
      Map<String, StoredDocument> found = new LinkedHashMap<>();
      for (String id : ids) {
        StoredDocument document = readModelData.documents.get(id);
        if (document != null) {
          found.put(id, document);
        }
      }
      return found;
    }
  }

  @Override
  protected List<StoredDocument> doFindByIndex(String readModel, String index, String value) {
    synchronized (data) {
      ReadModelData readModelData = data(readModel);
      Map<String, TreeSet<String>> byValue = readModelData.indexes.get(index);
      List<StoredDocument> found = new ArrayList<>();
      for (String id : byValue.getOrDefault(value, new TreeSet<>())) {
        found.add(readModelData.documents.get(id));
      }
      return found;
    }
  }

  @Override
  protected long doCount(String readModel) {
    synchronized (data) {
      return data(readModel).documents.size();
    }
  }

  @Override
  protected List<StoredDocument> doPage(String readModel, @Nullable String afterId, int limit) {
    synchronized (data) {
      TreeMap<String, StoredDocument> documents = data(readModel).documents;
      Collection<StoredDocument> tail =
          afterId == null ? documents.values() : documents.tailMap(afterId, false).values();
      List<StoredDocument> page = new ArrayList<>(Math.min(limit, 1024));
      for (StoredDocument document : tail) {
        if (page.size() == limit) {
          break;
        }
        page.add(document);
      }
      return page;
    }
  }

  @Override
  protected List<DeadLetter> doDeadLetters(String projectionId) {
    synchronized (data) {
      TreeMap<Long, DeadLetter> letters = data.deadLetters.get(projectionId);
      return letters == null ? List.of() : List.copyOf(letters.values());
    }
  }

  @Override
  protected Optional<Lease> doAcquireLease(String group, String resource, String owner,
      Duration ttl) {
    synchronized (data) {
      return data.leases.acquire(group, resource, owner, ttl);
    }
  }

  @Override
  protected boolean doReleaseLease(String group, String resource, String owner) {
    synchronized (data) {
      return data.leases.release(group, resource, owner);
    }
  }

  @Override
  protected List<Lease> doLeases(String group) {
    synchronized (data) {
      return data.leases.list(group);
    }
  }

  @Override
  protected void doClose() {
    // nothing to release: the data lives as long as this object
  }

  @Override
  protected StoreException translate(
      String operation, @Nullable String projectionId, RuntimeException failure) {
    return StoreException.failure(operation + " failed on " + description() + ": " + failure,
        projectionId, failure);
  }

  @Override
  public String toString() {
    return "InMemoryProjectionStateStore[" + description() + "]";
  }

  /** A read model's data; the base class has checked that it was prepared. */
  private ReadModelData data(String readModel) {
    return data.readModels.get(readModel);
  }

  /** Documents of one read model and their indexes; guarded by the store's lock. */
  private static final class ReadModelData {
    private ReadModelSchema schema;
    private final TreeMap<String, StoredDocument> documents = new TreeMap<>();
    private final Map<String, Map<String, TreeSet<String>>> indexes = new HashMap<>();
    /** The partition that last wrote each document, for documents written by a partition. */
    private final Map<String, Integer> writtenBy = new HashMap<>();

    ReadModelData(ReadModelSchema schema) {
      this.schema = schema;
      schema.indexes().forEach(index -> indexes.put(index, new HashMap<>()));
    }

    void addIndexes(ReadModelSchema wider) {
      List<String> all = new ArrayList<>(schema.indexes());
      for (String index : wider.indexes()) {
        if (!all.contains(index)) {
          all.add(index);
          Map<String, TreeSet<String>> byValue = new HashMap<>();
          indexes.put(index, byValue);
          documents.values().forEach(document -> {
            String value = document.indexValues().get(index);
            if (value != null) {
              byValue.computeIfAbsent(value, v -> new TreeSet<>()).add(document.id());
            }
          });
        }
      }
      schema = new ReadModelSchema(schema.name(), all);
    }

    void requireWritableBy(String projectionKey, String id, int partition) {
      Integer owner = writtenBy.get(id);
      if (owner != null && owner != partition) {
        throw new PartitionConflictException(projectionKey, schema.name(), id, owner, partition);
      }
    }

    void put(StoredDocument document, int partition) {
      if (partition == Commit.UNPARTITIONED) {
        writtenBy.remove(document.id());
      } else {
        writtenBy.put(document.id(), partition);
      }
      StoredDocument old = documents.put(document.id(), document);
      indexes.forEach((index, byValue) -> {
        String oldValue = old == null ? null : old.indexValues().get(index);
        String newValue = document.indexValues().get(index);
        if (!Objects.equals(oldValue, newValue)) {
          unindex(byValue, oldValue, document.id());
          if (newValue != null) {
            byValue.computeIfAbsent(newValue, v -> new TreeSet<>()).add(document.id());
          }
        }
      });
    }

    void delete(String id) {
      StoredDocument old = documents.remove(id);
      writtenBy.remove(id);
      if (old != null) {
        indexes.forEach((index, byValue) -> unindex(byValue, old.indexValues().get(index), id));
      }
    }

    private static void unindex(Map<String, TreeSet<String>> byValue, @Nullable String value,
        String id) {
      if (value != null) {
        TreeSet<String> ids = byValue.get(value);
        ids.remove(id);
        if (ids.isEmpty()) {
          byValue.remove(value);
        }
      }
    }

    void clear(int partition) {
      if (partition == Commit.UNPARTITIONED) {
        documents.clear();
        writtenBy.clear();
        indexes.values().forEach(Map::clear);
        return;
      }
      List<String> owned = new ArrayList<>();
      writtenBy.forEach((id, owner) -> {
        if (owner == partition) {
          owned.add(id);
        }
      });
      owned.forEach(this::delete);
    }
  }
}
