package io.orchestrix.projection.core;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.DocumentChange;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
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
 * {@code memory:} through {@link io.orchestrix.projection.ProjectionStores}.
 *
 * <p>Thread-safe: every operation holds one lock, so a commit is atomic and isolated exactly as in a
 * durable store (it is validated completely before anything changes). Nothing survives the JVM; use a
 * durable store in production. Documents are kept in id order ({@link String#compareTo}).
 */
public final class InMemoryProjectionStateStore implements ProjectionStore {

  private final String description;
  private final Object lock = new Object();
  private final Map<String, ProjectionState> states = new HashMap<>();
  private final Map<String, Long> writerTokens = new HashMap<>();
  private final Map<String, ReadModelData> readModels = new HashMap<>();
  private final Map<String, TreeMap<Long, DeadLetter>> deadLetters = new HashMap<>();

  /** A new, empty store. */
  public InMemoryProjectionStateStore() {
    this("memory:");
  }

  /** A new, empty store described by the given name in messages. */
  public InMemoryProjectionStateStore(String description) {
    this.description = Objects.requireNonNull(description, "description must not be null");
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Optional<ProjectionState> loadState(String projectionId) {
    synchronized (lock) {
      return Optional.ofNullable(states.get(projectionId));
    }
  }

  @Override
  public void saveState(ProjectionState state) {
    Objects.requireNonNull(state, "state must not be null");
    synchronized (lock) {
      states.put(state.projectionId(), state);
    }
  }

  @Override
  public void prepareReadModel(ReadModelSchema schema) {
    synchronized (lock) {
      ReadModelData existing = readModels.get(schema.name());
      if (existing == null) {
        readModels.put(schema.name(), new ReadModelData(schema));
      } else if (!existing.schema.indexes().containsAll(schema.indexes())) {
        existing.addIndexes(schema);
      }
    }
  }

  @Override
  public long claimWriter(String projectionId) {
    synchronized (lock) {
      states.computeIfAbsent(projectionId,
          id -> ProjectionState.initial(id, java.time.Instant.now()));
      return writerTokens.merge(projectionId, 1L, Long::sum);
    }
  }

  @Override
  public void commit(Commit commit) {
    synchronized (lock) {
      String projectionId = commit.projectionId();
      long token = writerTokens.getOrDefault(projectionId, 0L);
      if (token != commit.writerToken()) {
        throw new WriterFencedException(projectionId, commit.writerToken(), token);
      }
      ProjectionState current = states.get(projectionId);
      long position = current == null ? 0 : current.lastProcessedPosition();
      if (position != commit.expectedPosition()) {
        throw new CheckpointConflictException(projectionId, commit.expectedPosition(), position);
      }
      for (String name : commit.clearedReadModels()) {
        data(name);
      }
      for (DocumentChange change : commit.changes()) {
        data(change.readModel());
      }
      if (commit.reset()) {
        commit.clearedReadModels().forEach(name -> data(name).clear());
        deadLetters.remove(projectionId);
      }
      for (DocumentChange change : commit.changes()) {
        ReadModelData data = data(change.readModel());
        if (change instanceof DocumentChange.Put put) {
          data.put(put.document());
        } else {
          data.delete(change.id());
        }
      }
      if (!commit.deadLettersAdded().isEmpty() || !commit.deadLettersRemoved().isEmpty()) {
        TreeMap<Long, DeadLetter> letters =
            deadLetters.computeIfAbsent(projectionId, id -> new TreeMap<>());
        commit.deadLettersAdded().forEach(letter -> letters.put(letter.position(), letter));
        commit.deadLettersRemoved().forEach(letters::remove);
      }
      states.put(projectionId, commit.state());
    }
  }

  @Override
  public Optional<StoredDocument> find(String readModel, String id) {
    synchronized (lock) {
      return Optional.ofNullable(data(readModel).documents.get(id));
    }
  }

  @Override
  public Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    synchronized (lock) {
      ReadModelData data = data(readModel);
      Map<String, StoredDocument> found = new LinkedHashMap<>();
      for (String id : ids) {
        StoredDocument document = data.documents.get(id);
        if (document != null) {
          found.put(id, document);
        }
      }
      return found;
    }
  }

  @Override
  public List<StoredDocument> findByIndex(String readModel, String index, String value) {
    synchronized (lock) {
      ReadModelData data = data(readModel);
      Map<String, TreeSet<String>> byValue = data.indexes.get(index);
      if (byValue == null) {
        throw new IllegalArgumentException("read model '" + readModel + "' has no index '" + index
            + "'; declared indexes: " + data.schema.indexes());
      }
      List<StoredDocument> found = new ArrayList<>();
      for (String id : byValue.getOrDefault(value, new TreeSet<>())) {
        found.add(data.documents.get(id));
      }
      return found;
    }
  }

  @Override
  public long count(String readModel) {
    synchronized (lock) {
      return data(readModel).documents.size();
    }
  }

  @Override
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
    }
    synchronized (lock) {
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
  public List<DeadLetter> deadLetters(String projectionId) {
    synchronized (lock) {
      TreeMap<Long, DeadLetter> letters = deadLetters.get(projectionId);
      return letters == null ? List.of() : List.copyOf(letters.values());
    }
  }

  @Override
  public void close() {
    // nothing to release: the data lives as long as this object
  }

  @Override
  public String toString() {
    return "InMemoryProjectionStateStore[" + description + "]";
  }

  private ReadModelData data(String readModel) {
    ReadModelData data = readModels.get(readModel);
    if (data == null) {
      throw new StoreException("read model '" + readModel + "' was not prepared in store "
          + description + "; declare it on the engine (or call prepareReadModel first)", false,
          null);
    }
    return data;
  }

  /** Documents of one read model and their indexes; guarded by the store's lock. */
  private static final class ReadModelData {
    private ReadModelSchema schema;
    private final TreeMap<String, StoredDocument> documents = new TreeMap<>();
    private final Map<String, Map<String, TreeSet<String>>> indexes = new HashMap<>();

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

    void put(StoredDocument document) {
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

    void clear() {
      documents.clear();
      indexes.values().forEach(Map::clear);
    }
  }
}
