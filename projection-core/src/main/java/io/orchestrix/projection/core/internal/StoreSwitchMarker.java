package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.DocumentCodec;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record, in the store a projection is moved into, that its queries have switched to that store:
 * a document in the system read model {@value #READ_MODEL} (id: the projection id), written by a
 * compare-and-set commit under the projection's control key ({@code <id>#g0}, the key its generation
 * registry commits under too), fenced like every commit and retried when another node committed under
 * the key meanwhile. Once written it is never removed by this class. Thread-safe.
 */
public final class StoreSwitchMarker {

  /** The system read model holding the switch records, one document per projection. */
  public static final String READ_MODEL = "orx_store_switch";

  private static final int ATTEMPTS = 20;

  /**
   * A stored switch.
   *
   * @param projectionId the projection
   * @param from the description of the store queries read before
   * @param positions the checkpoints of the projection in this store at the switch, by partition
   * @param switchedAt when, ISO-8601
   */
  public record Switch(String projectionId, String from, List<Long> positions, String switchedAt) {}

  private static final ReadModel<Switch> MODEL =
      ReadModel.builder(READ_MODEL, Switch.class).id(Switch::projectionId).build();

  private final ProjectionStore store;
  private final String projectionId;
  private final String key;
  private final Clock clock;
  private final DocumentCodec codec = JacksonDocumentCodec.create();
  private volatile boolean prepared;

  public StoreSwitchMarker(ProjectionStore store, String projectionId, Clock clock) {
    this.store = store;
    this.projectionId = projectionId;
    this.key = ProjectionIds.generationKey(projectionId, 0);
    this.clock = clock;
  }

  /**
   * {@return the switch as stored, or empty if queries have not switched to this store}
   *
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  public Optional<Switch> read() {
    prepare();
    return store.find(READ_MODEL, projectionId)
        .map(document -> codec.decode(document.json(), Switch.class));
  }

  /**
   * Stores the switch unless one is stored already; returns the one stored.
   *
   * @throws io.orchestrix.projection.StoreException if the store fails
   * @throws ProjectionConflictException if other nodes committed under the key at every attempt
   */
  public Switch write(String from, List<Long> positions) {
    prepare();
    ProjectionConflictException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<Switch> stored = read();
      if (stored.isPresent()) {
        return stored.get();
      }
      long token = store.claimWriter(key);
      ProjectionState state = store.loadState(key)
          .orElseGet(() -> ProjectionState.initial(key, clock.instant()));
      long version = state.lastProcessedPosition();
      ProjectionState after = new ProjectionState(key, null, version + 1, 0, true, null, 0,
          clock.instant());
      Switch made = new Switch(projectionId, from, List.copyOf(positions),
          clock.instant().toString());
      StoredDocument document = new StoredDocument(projectionId, codec.encode(made), Map.of(),
          version + 1);
      try {
        store.commit(Commit.batch(token, version, after,
            List.of(ReadModelChanges.puts(READ_MODEL, List.of(document)))));
        return made;
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
