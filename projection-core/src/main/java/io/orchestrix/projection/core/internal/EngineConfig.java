package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ErrorPolicy;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.EventTypes;
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
    ErrorPolicy errorPolicy,
    boolean contiguousPositions) {}
