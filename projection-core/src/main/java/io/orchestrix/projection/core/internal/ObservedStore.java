package io.orchestrix.projection.core.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.orchestrix.projection.ObservationNames;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ForwardingProjectionStore;

/**
 * The engine's view of its store when observations are on: every call is forwarded, and each commit
 * is an observation ({@link ObservationNames#BATCH_COMMIT}) tagged with projection, partition and
 * outcome, its positions as a high-cardinality value. An observation handler that throws is logged
 * and never changes the commit. Thread-safe as the store is; closing it closes the store.
 */
final class ObservedStore extends ForwardingProjectionStore {

  private final ObservationRegistry registry;
  private final String projectionId;

  ObservedStore(ProjectionStore delegate, ObservationRegistry registry, String projectionId) {
    super(delegate);
    this.registry = registry;
    this.projectionId = projectionId;
  }

  @Override
  public void commit(Commit commit) {
    Observation observation = EngineObservations.quietly(() -> start(commit));
    if (observation == null) {
      delegate().commit(commit);
      return;
    }
    Observation.Scope scope = EngineObservations.quietly(observation::openScope);
    String outcome = ObservationNames.FAILURE;
    try {
      delegate().commit(commit);
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
        .lowCardinalityKeyValue(ObservationNames.PARTITION,
            EngineObservations.partitionTag(commit.partition()))
        .highCardinalityKeyValue(ObservationNames.POSITION, (commit.expectedPosition() + 1) + ".."
            + commit.state().lastProcessedPosition())
        .start();
  }
}
