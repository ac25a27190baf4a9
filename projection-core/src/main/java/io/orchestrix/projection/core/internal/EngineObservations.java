package io.orchestrix.projection.core.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.Kind;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ObservationNames;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's observations ({@link ObservationNames}): one per handler invocation, as a consumer
 * whose parent is the trace context in the event's metadata ({@code traceparent}), and one per batch
 * commit (through {@link ObservedStore}). Without a registry, {@link #NONE} records nothing and the
 * engine takes no other path than a field check. Immutable and thread-safe. An observation handler
 * that throws is logged and never breaks processing.
 */
public final class EngineObservations {

  private static final Logger LOG = LoggerFactory.getLogger(EngineObservations.class);

  /** Records nothing. */
  public static final EngineObservations NONE = new EngineObservations(null, "");

  private final @Nullable ObservationRegistry registry;
  private final String projectionId;

  private EngineObservations(@Nullable ObservationRegistry registry, String projectionId) {
    this.registry = registry;
    this.projectionId = projectionId;
  }

  /** Observations of one projection into a registry; {@link #NONE} for a null or no-op registry. */
  public static EngineObservations of(@Nullable ObservationRegistry registry, String projectionId) {
    return registry == null || registry.isNoop() ? NONE
        : new EngineObservations(registry, projectionId);
  }

  /** Whether anything is recorded: callers skip the observing path when not. */
  boolean enabled() {
    return registry != null;
  }

  /** The store, observed at each commit when enabled; the same store otherwise. */
  ProjectionStore observe(ProjectionStore store) {
    return registry == null ? store : new ObservedStore(store, registry, projectionId);
  }

  /**
   * Runs one handler invocation as an observation, the current one while the handler runs; a
   * returned failure is recorded as the observation's error and outcome. An observation handler that
   * throws is logged and never changes what the invocation does.
   */
  @Nullable HandlerFailedException handler(EventEnvelope<?> event, String handlerName, int partition,
      Supplier<@Nullable HandlerFailedException> invocation) {
    Observation observation = quietly(() -> startHandler(event, handlerName, partition));
    if (observation == null) {
      return invocation.get();
    }
    Observation.Scope scope = quietly(observation::openScope);
    HandlerFailedException failed = null;
    try {
      failed = invocation.get();
      return failed;
    } catch (RuntimeException | Error e) {
      quietly(() -> observation.error(e));
      throw e;
    } finally {
      HandlerFailedException outcome = failed;
      quietly(() -> {
        if (scope != null) {
          scope.close();
        }
        observation.lowCardinalityKeyValue(ObservationNames.OUTCOME,
            outcome == null ? ObservationNames.SUCCESS : ObservationNames.FAILURE);
        if (outcome != null) {
          observation.error(outcome.getCause() == null ? outcome : outcome.getCause());
        }
        observation.stop();
        return null;
      });
    }
  }

  private Observation startHandler(EventEnvelope<?> event, String handlerName, int partition) {
    ReceiverContext<EventEnvelope<?>> context =
        new ReceiverContext<>((envelope, key) -> envelope.metadata().get(key), Kind.CONSUMER);
    context.setCarrier(event);
    return Observation.createNotStarted(ObservationNames.HANDLER, () -> context, registry)
        .contextualName("apply " + event.payloadTypeName())
        .lowCardinalityKeyValue(ObservationNames.PROJECTION, projectionId)
        .lowCardinalityKeyValue(ObservationNames.PARTITION, partitionTag(partition))
        .lowCardinalityKeyValue(ObservationNames.EVENT_TYPE, event.payloadTypeName())
        .lowCardinalityKeyValue(ObservationNames.HANDLER_NAME, handlerName)
        .highCardinalityKeyValue(ObservationNames.EVENT_ID, event.eventId())
        .highCardinalityKeyValue(ObservationNames.POSITION, Long.toString(event.position()))
        .highCardinalityKeyValue(ObservationNames.STREAM_ID, event.streamId())
        .start();
  }

  /** The partition's tag value: its number, or {@link ObservationNames#NO_PARTITION}. */
  static String partitionTag(int partition) {
    return partition == Commit.UNPARTITIONED ? ObservationNames.NO_PARTITION
        : Integer.toString(partition);
  }

  /**
   * Runs a call into the observation machinery; what it throws is logged, never passed on, so
   * tracing cannot break processing.
   */
  static <T> @Nullable T quietly(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      LOG.warn("an observation handler failed; processing goes on without it", e);
      return null;
    }
  }
}
