package io.orchestrix.projection.core.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ObservationNames;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The engine's view of its store when observations are on: every call is forwarded, and each commit
 * is an observation ({@link ObservationNames#BATCH_COMMIT}) tagged with projection, partition and
 * outcome, its positions as a high-cardinality value. An observation handler that throws is logged
 * and never changes the commit. Thread-safe as the store is; closing it closes the store.
 */
final class ObservedStore implements ProjectionStore {

  private final ProjectionStore delegate;
  private final ObservationRegistry registry;
  private final String projectionId;

  ObservedStore(ProjectionStore delegate, ObservationRegistry registry, String projectionId) {
    this.delegate = delegate;
    this.registry = registry;
    this.projectionId = projectionId;
  }

  @Override
  public void commit(Commit commit) {
    Observation observation = EngineObservations.quietly(() -> start(commit));
    if (observation == null) {
      delegate.commit(commit);
      return;
    }
    Observation.Scope scope = EngineObservations.quietly(observation::openScope);
    String outcome = ObservationNames.FAILURE;
    try {
      delegate.commit(commit);
      outcome = ObservationNames.SUCCESS;
    } catch (ProjectionConflictException e) {
      outcome = ObservationNames.CONFLICT;
      EngineObservations.quietly(() -> observation.error(e));
      throw e;
    } catch (RuntimeException | Error e) {
      EngineObservations.quietly(() -> observation.error(e));
      throw e;
    } finally {
      String finalOutcome = outcome;
      EngineObservations.quietly(() -> {
        if (scope != null) {
          scope.close();
        }
        observation.lowCardinalityKeyValue(ObservationNames.OUTCOME, finalOutcome).stop();
        return null;
      });
    }
  }

  private Observation start(Commit commit) {
    return Observation.createNotStarted(ObservationNames.BATCH_COMMIT, registry)
        .contextualName("commit " + projectionId)
        .lowCardinalityKeyValue(ObservationNames.PROJECTION, projectionId)
        .lowCardinalityKeyValue(ObservationNames.PARTITION, commit.partition() == Commit.UNPARTITIONED
            ? ObservationNames.NO_PARTITION : Integer.toString(commit.partition()))
        .highCardinalityKeyValue(ObservationNames.POSITION, (commit.expectedPosition() + 1) + ".."
            + commit.state().lastProcessedPosition())
        .start();
  }

  @Override public boolean commitsAtomically() { return delegate.commitsAtomically(); }
  @Override public void checkDocument(String rm, StoredDocument document) { delegate.checkDocument(rm, document); }
  @Override public String description() { return delegate.description(); }
  @Override public void prepareReadModel(ReadModelSchema schema) { delegate.prepareReadModel(schema); }
  @Override public long claimWriter(String id) { return delegate.claimWriter(id); }
  @Override public Optional<StoredDocument> find(String rm, String id) { return delegate.find(rm, id); }
  @Override public Map<String, StoredDocument> findAll(String rm, Collection<String> ids) { return delegate.findAll(rm, ids); }
  @Override public List<StoredDocument> findByIndex(String rm, String index, String value) { return delegate.findByIndex(rm, index, value); }
  @Override public long count(String rm) { return delegate.count(rm); }
  @Override public List<StoredDocument> page(String rm, @Nullable String afterId, int limit) { return delegate.page(rm, afterId, limit); }
  @Override public List<DeadLetter> deadLetters(String id) { return delegate.deadLetters(id); }
  @Override public Optional<ProjectionState> loadState(String id) { return delegate.loadState(id); }
  @Override public void saveState(ProjectionState state) { delegate.saveState(state); }
  @Override public Optional<Lease> acquireLease(String group, String resource, String owner, Duration ttl) {
    return delegate.acquireLease(group, resource, owner, ttl);
  }
  @Override public boolean releaseLease(String group, String resource, String owner) {
    return delegate.releaseLease(group, resource, owner);
  }
  @Override public List<Lease> leases(String group) { return delegate.leases(group); }
  @Override public void close() { delegate.close(); }
}
