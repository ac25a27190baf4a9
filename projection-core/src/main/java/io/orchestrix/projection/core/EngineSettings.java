package io.orchestrix.projection.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.internal.EngineConfig;
import io.orchestrix.projection.core.internal.EngineObservations;
import io.orchestrix.projection.core.internal.VersionSettings;
import io.orchestrix.projection.core.internal.VersionedProjectionEngine;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import io.orchestrix.projection.spi.DocumentCodec;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link ProjectionEngineBuilder} has gathered, each at its default until set; the
 * builder checks every value before it stores it here. Not thread-safe: owned by one builder.
 */
final class EngineSettings {

  @Nullable ProjectionStore store;
  final List<ReadModel<?>> readModels = new ArrayList<>();
  final Map<ReadModel<?>, Function<EventEnvelope<?>, @Nullable String>> prefetch =
      new LinkedHashMap<>();
  DocumentCodec codec = JacksonDocumentCodec.create();
  EventTypes eventTypes = EventTypes.byClassName();
  Clock clock = Clock.systemUTC();
  @Nullable MeterRegistry meterRegistry;
  @Nullable ObservationRegistry observationRegistry;
  Duration handlerTimeout = ProjectionEngineBuilder.DEFAULT_HANDLER_TIMEOUT;
  int batchSize = ProjectionEngineBuilder.DEFAULT_BATCH_SIZE;
  int cacheSize = ProjectionEngineBuilder.DEFAULT_CACHE_SIZE;
  FailurePolicy failurePolicy = FailurePolicy.stop();
  boolean contiguousPositions;
  int partitions = 1;
  @Nullable Function<EventEnvelope<?>, String> partitionKey;
  String version = ProjectionEngineBuilder.DEFAULT_VERSION;
  boolean rebuildNewVersionOnStart = true;
  boolean automaticCutOver = true;
  boolean verifyBeforeCutOver;
  long cutOverLag = ProjectionEngineBuilder.DEFAULT_CUT_OVER_LAG;
  Duration generationRefresh = ProjectionEngineBuilder.DEFAULT_GENERATION_REFRESH;
  Duration retiredGenerationGrace = ProjectionEngineBuilder.DEFAULT_RETIRED_GENERATION_GRACE;
  int buildRateLimit;

  /**
   * A new engine with these settings, on a new in-memory store if none was set; does no I/O. Later
   * changes to the settings do not reach it.
   *
   * @throws IllegalArgumentException if a prefetch names an undeclared read model, or the
   *     projection id is too long to name its partitions
   */
  ProjectionEngine build(String projectionId) {
    EngineSettingChecks.requireDeclared(prefetch.keySet(), readModels);
    if (partitions > 1) {
      ProjectionIds.partitionKey(projectionId, partitions - 1);
    }
    ProjectionStore chosen = store != null ? store : new InMemoryProjectionStateStore();
    EngineConfig config = new EngineConfig(projectionId, chosen, List.copyOf(readModels),
        Map.copyOf(prefetch), codec, eventTypes, clock, meterRegistry, handlerTimeout, batchSize,
        cacheSize, failurePolicy, contiguousPositions ? EngineConfig.Positions.CONTIGUOUS
            : EngineConfig.Positions.GAPS_ALLOWED, partitions, partitionKey,
        EngineObservations.of(observationRegistry, projectionId));
    return new VersionedProjectionEngine(config, new VersionSettings(version,
        rebuildNewVersionOnStart, automaticCutOver, cutOverLag, generationRefresh,
        retiredGenerationGrace, verifyBeforeCutOver, buildRateLimit));
  }
}
