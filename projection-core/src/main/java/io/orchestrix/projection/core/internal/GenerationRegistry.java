package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.Generation;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.DocumentCodec;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The generation registry of one projection: a document in the system read model
 * {@value GenerationNames#REGISTRY_READ_MODEL} (id: the projection id), written only by commits under
 * the projection's registry key ({@code <id>#g0}). A change claims that key, reads the document and
 * commits the new one expecting the checkpoint it loaded, so it is a compare-and-set fenced like every
 * commit: when another node changed the registry meanwhile, the commit is refused and the change is
 * read and made again. Thread-safe.
 */
final class GenerationRegistry {

  private static final int ATTEMPTS = 20;

  /** The stored document: a projection's generations. */
  record Generations(String projectionId, List<Generation> generations) {}

  private static final ReadModel<Generations> MODEL = ReadModel
      .builder(GenerationNames.REGISTRY_READ_MODEL, Generations.class)
      .id(Generations::projectionId).build();

  private final ProjectionStore store;
  private final String projectionId;
  private final String key;
  private final Clock clock;
  private final DocumentCodec codec = JacksonDocumentCodec.create();
  private volatile boolean prepared;

  GenerationRegistry(ProjectionStore store, String projectionId, Clock clock) {
    this.store = store;
    this.projectionId = projectionId;
    this.key = ProjectionIds.generationKey(projectionId, 0);
    this.clock = clock;
  }

  /**
   * The generations as stored, by number; empty if the projection has no registry (it was never
   * rebuilt without downtime: generation 1 is live).
   *
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  Optional<List<Generation>> read() {
    prepare();
    return store.find(MODEL.name(), projectionId)
        .map(document -> codec.decode(document.json(), Generations.class).generations());
  }

  /**
   * Changes the registry by a compare-and-set, retried on conflict. The change gets the stored
   * generations (empty if none) and returns the new ones, or the same list to change nothing; it may
   * throw to refuse.
   *
   * @return the generations after the change
   * @throws io.orchestrix.projection.StoreException if the store fails
   * @throws ProjectionConflictException if other nodes changed it at every attempt
   */
  List<Generation> update(UnaryOperator<List<Generation>> change) {
    prepare();
    ProjectionConflictException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long token = store.claimWriter(key);
      ProjectionState state = store.loadState(key)
          .orElseGet(() -> ProjectionState.initial(key, clock.instant()));
      List<Generation> current = read().orElse(List.of());
      List<Generation> next = change.apply(current).stream()
          .sorted(Comparator.comparingInt(Generation::number)).toList();
      if (next.equals(current)) {
        return current;
      }
      long version = state.lastProcessedPosition();
      ProjectionState after = new ProjectionState(key, null, version + 1, 0, true, null, 0,
          clock.instant());
      StoredDocument document = new StoredDocument(projectionId,
          codec.encode(new Generations(projectionId, next)), Map.of(), version + 1);
      try {
        store.commit(Commit.batch(token, version, after,
            List.of(ReadModelChanges.puts(MODEL.name(), List.of(document)))));
        return next;
      } catch (ProjectionConflictException e) {
        last = e;
      }
    }
    throw last;
  }

  private void prepare() {
    if (!prepared) {
      store.prepareReadModel(ReadModels.schemaOf(MODEL));
      prepared = true;
    }
  }
}
