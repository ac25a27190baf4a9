package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.spi.DocumentCodec;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The validated, immutable configuration of one engine, made by the public builder. */
public record EngineConfig(
    String projectionId,
    ProjectionStore store,
    List<ReadModel<?>> readModels,
    Map<ReadModel<?>, Function<EventEnvelope<?>, @Nullable String>> prefetch,
    DocumentCodec codec,
    EventTypes eventTypes,
    Clock clock,
    @Nullable MeterRegistry meterRegistry,
    Duration handlerTimeout,
    int batchSize,
    int cacheSize,
    FailurePolicy failurePolicy,
    Positions positions,
    int partitions,
    @Nullable Function<EventEnvelope<?>, String> partitionKey,
    EngineObservations observations) {

  /** Which events partition {@code partition} of this projection processes. */
  public PartitionFilter partitionFilter(int partition) {
    return new PartitionFilter(partition, partitions, partitionKey);
  }

  /** Whether positions must be contiguous (1, 2, 3, ...) or may have gaps. */
  public enum Positions {
    /** Positions may have gaps; events must be delivered in order. */
    GAPS_ALLOWED,
    /** A batch must continue the checkpoint exactly, else it is refused. */
    CONTIGUOUS
  }
}
