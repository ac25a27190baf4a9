package io.orchestrix.projection.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.internal.EngineConfig;
import io.orchestrix.projection.core.internal.GenerationNames;
import io.orchestrix.projection.core.internal.VersionSettings;
import io.orchestrix.projection.core.internal.VersionedProjectionEngine;
import io.orchestrix.projection.core.internal.EngineObservations;
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
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link ProjectionEngine}. Not thread-safe; the engine it builds is. Every setter checks its
 * argument at once and throws {@link IllegalArgumentException} (or {@link NullPointerException} for
 * null) naming the setting and the rejected value.
 *
 * <pre>{@code
 * ProjectionEngine engine = Projections.engine("order-summary")
 *     .store(new InMemoryProjectionStateStore())
 *     .readModel(ORDERS)
 *     .build();
 * }</pre>
 */
public final class ProjectionEngineBuilder {

  /** Default number of events per batch in {@link ProjectionEngine#replay}. */
  public static final int DEFAULT_BATCH_SIZE = 1_000;
  /** Default time an asynchronous handler may take. */
  public static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofSeconds(30);
  /** Default number of documents per read model kept in the writer's cache. */
  public static final int DEFAULT_CACHE_SIZE = 100_000;
  /** Most partitions a projection may have. */
  public static final int MAX_PARTITIONS = 1024;
  /** The version of a projection that declares none. */
  public static final String DEFAULT_VERSION = VersionSettings.DEFAULT_VERSION;
  /** Default lag (head minus the lowest checkpoint) under which a new generation is cut over. */
  public static final long DEFAULT_CUT_OVER_LAG = 100;
  /** Default interval at which nodes and queries re-read which generation is live. */
  public static final Duration DEFAULT_GENERATION_REFRESH = Duration.ofSeconds(1);
  /** Default time a retired generation is kept, for a rollback, before it is dropped. */
  public static final Duration DEFAULT_RETIRED_GENERATION_GRACE = Duration.ofHours(24);

  private final String projectionId;
  private @Nullable ProjectionStore store;
  private final List<ReadModel<?>> readModels = new ArrayList<>();
  private final Map<ReadModel<?>, Function<EventEnvelope<?>, @Nullable String>> prefetch =
      new LinkedHashMap<>();
  private DocumentCodec codec = JacksonDocumentCodec.create();
  private EventTypes eventTypes = EventTypes.byClassName();
  private Clock clock = Clock.systemUTC();
  private @Nullable MeterRegistry meterRegistry;
  private @Nullable ObservationRegistry observationRegistry;
  private Duration handlerTimeout = DEFAULT_HANDLER_TIMEOUT;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private int cacheSize = DEFAULT_CACHE_SIZE;
  private FailurePolicy failurePolicy = FailurePolicy.stop();
  private boolean contiguousPositions;
  private int partitions = 1;
  private @Nullable Function<EventEnvelope<?>, String> partitionKey;
  private String version = DEFAULT_VERSION;
  private boolean rebuildNewVersionOnStart = true;
  private boolean automaticCutOver = true;
  private boolean verifyBeforeCutOver;
  private long cutOverLag = DEFAULT_CUT_OVER_LAG;
  private Duration generationRefresh = DEFAULT_GENERATION_REFRESH;
  private Duration retiredGenerationGrace = DEFAULT_RETIRED_GENERATION_GRACE;

  ProjectionEngineBuilder(String projectionId) {
    this.projectionId = ProjectionIds.requireValid(
        Objects.requireNonNull(projectionId, "projectionId must not be null"));
  }

  /**
   * Where state and read models live: a store from {@link ProjectionStores#open} or a store module.
   * Default: a new {@link InMemoryProjectionStateStore}.
   *
   * @throws IllegalArgumentException if the store does not implement the store SPI
   *     ({@link ProjectionStore}), as every store module's stores do
   */
  public ProjectionEngineBuilder store(ProjectionStateStore store) {
    Objects.requireNonNull(store, "store must not be null");
    if (!(store instanceof ProjectionStore spiStore)) {
      throw new IllegalArgumentException("store: " + store.getClass().getName() + " ("
          + store.description() + ") holds only state; an engine needs a store that implements "
          + ProjectionStore.class.getName() + ", as the stores of every store module do");
    }
    this.store = spiStore;
    return this;
  }

  /** Declares a read model this projection writes; its storage is prepared when the engine is built. */
  public ProjectionEngineBuilder readModel(ReadModel<?> readModel) {
    Objects.requireNonNull(readModel, "readModel must not be null");
    GenerationNames.requireDeclarable(readModel.name());
    if (readModels.stream().anyMatch(r -> r.name().equals(readModel.name()))) {
      throw new IllegalArgumentException("readModel: '" + readModel.name() + "' is declared twice");
    }
    readModels.add(readModel);
    return this;
  }

  /**
   * Declares which document of a read model each event will touch, so that a batch loads every such
   * document missing from the cache in one round trip before its handlers run (instead of one read
   * per document). The function may return null for events that touch none. Optional: without it the
   * engine reads documents when handlers ask for them.
   */
  public <T> ProjectionEngineBuilder prefetch(
      ReadModel<T> readModel, Function<EventEnvelope<?>, @Nullable String> documentIdOfEvent) {
    Objects.requireNonNull(readModel, "readModel must not be null");
    Objects.requireNonNull(documentIdOfEvent, "documentIdOfEvent must not be null");
    prefetch.put(readModel, documentIdOfEvent);
    return this;
  }

  /**
   * {@return how documents and dead-lettered events become JSON} Default: {@link
   * JacksonDocumentCodec}.
   */
  public ProjectionEngineBuilder codec(DocumentCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec must not be null");
    return this;
  }

  /**
   * How dead-lettered events are named and read back (with upcasters) when they are retried.
   * Default: {@link EventTypes#byClassName()}.
   */
  public ProjectionEngineBuilder eventTypes(EventTypes eventTypes) {
    this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes must not be null");
    return this;
  }

  /** {@return the clock for timestamps in state and dead letters} Default: the UTC system clock. */
  public ProjectionEngineBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    return this;
  }

  /** Where to record metrics (see {@link MetricNames}). Default: none, nothing is recorded. */
  public ProjectionEngineBuilder meterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry must not be null");
    return this;
  }

  /**
   * Where to record observations: one per handler invocation and one per batch commit, each a timer
   * and, when the registry has a tracer, a span; a handler's span is a child of the trace named by
   * the event's {@code traceparent} metadata (see {@link io.orchestrix.projection.ObservationNames}).
   * Default: none, nothing is recorded and dispatch takes no other path.
   */
  public ProjectionEngineBuilder observationRegistry(ObservationRegistry observationRegistry) {
    this.observationRegistry =
        Objects.requireNonNull(observationRegistry, "observationRegistry must not be null");
    return this;
  }

  /** {@return how long an asynchronous handler's stage may take} Default: 30 seconds. */
  public ProjectionEngineBuilder handlerTimeout(Duration handlerTimeout) {
    Objects.requireNonNull(handlerTimeout, "handlerTimeout must not be null");
    if (handlerTimeout.isNegative() || handlerTimeout.isZero()) {
      throw new IllegalArgumentException("handlerTimeout must be positive but was " + handlerTimeout);
    }
    this.handlerTimeout = handlerTimeout;
    return this;
  }

  /** Events per batch in {@link ProjectionEngine#replay}. Default 1,000. */
  public ProjectionEngineBuilder batchSize(int batchSize) {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 100000 but was " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /**
   * Documents per read model the writer keeps cached; 0 turns the cache off. Default 100,000. While a
   * read model is known to be held completely (it was empty when the projection was claimed or reset),
   * the cache also keeps a Bloom filter of the ids it evicts, 1 to 8 MiB per read model, allocated at
   * the first eviction, so that documents it never saw need no store read.
   */
  public ProjectionEngineBuilder cacheSize(int cacheSize) {
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must not be negative but was " + cacheSize);
    }
    this.cacheSize = cacheSize;
    return this;
  }

  /**
   * What a handler failure does: stop, dead-letter, or retry with backoff first. Default
   * {@link FailurePolicy#stop()}.
   */
  public ProjectionEngineBuilder failurePolicy(FailurePolicy failurePolicy) {
    this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy must not be null");
    return this;
  }

  /**
   * Whether positions must be contiguous (1, 2, 3, ...). Default false: positions may have gaps, as
   * global positions of most event stores do, so the engine cannot tell a gap from a missing event and
   * events must be delivered in order. When true, an event that does not continue the checkpoint is
   * refused with {@link io.orchestrix.projection.PositionGapException} and nothing is applied, which
   * makes out-of-order delivery (several threads feeding one projection) safe.
   */
  public ProjectionEngineBuilder requireContiguousPositions(boolean contiguousPositions) {
    this.contiguousPositions = contiguousPositions;
    return this;
  }

  /**
   * Splits the projection into {@code partitions} partitions, each with its own checkpoint, writer
   * token and dead letters, which several threads or nodes may process at once (a
   * {@link ProjectionRunner} with a node name shares them out by leases in the store). An event belongs
   * to the partition of its partition key ({@link #partitionKey}, the stream id by default). Every
   * document must be written from one partition only: a write from a second one is refused with
   * {@link io.orchestrix.projection.PartitionConflictException}. The count is part of the stored
   * data: changing it needs a rebuild. Default 1, a projection that is not split.
   *
   * @throws IllegalArgumentException if partitions is not 1 to {@value #MAX_PARTITIONS}
   */
  public ProjectionEngineBuilder partitions(int partitions) {
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "partitions must be 1 to " + MAX_PARTITIONS + " but was " + partitions);
    }
    this.partitions = partitions;
    return this;
  }

  /**
   * The partition key of an event, when it is not the stream id: for example a customer id, when a
   * read-model document gathers several streams of one customer. The function must be pure and never
   * return null. A source can filter by stream id on its server, but must read every event to apply a
   * function, so prefer the stream id where it keeps documents within one partition.
   */
  public ProjectionEngineBuilder partitionKey(Function<EventEnvelope<?>, String> partitionKey) {
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey must not be null");
    return this;
  }

  /**
   * The version of this projection's code: bump it when a change of handlers needs the read models
   * rebuilt. A node whose version the store does not know builds it as a new generation beside the
   * live one (its own read models, {@code name__g<n>}, and checkpoints), which keeps serving queries
   * and following events; once the new generation has caught up it is made live in one commit, and
   * nodes still running an older version refuse to write
   * ({@link io.orchestrix.projection.ProjectionVersionException}). Default {@value #DEFAULT_VERSION}.
   *
   * @throws IllegalArgumentException if not 1 to 40 characters of letters, digits, '.', '_' and '-'
   */
  public ProjectionEngineBuilder version(String version) {
    Objects.requireNonNull(version, "version must not be null");
    if (!version.matches("[A-Za-z0-9._-]{1,40}")) {
      throw new IllegalArgumentException("version must be 1 to 40 characters of letters, digits,"
          + " '.', '_' and '-' but was '" + version + "'");
    }
    this.version = version;
    return this;
  }

  /**
   * The version of this projection's code as a number; see {@link #version(String)}.
   *
   * @throws IllegalArgumentException if negative
   */
  public ProjectionEngineBuilder version(int version) {
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative but was " + version);
    }
    return version(Integer.toString(version));
  }

  /**
   * Whether a runner whose version the store does not know starts building it by itself (true, the
   * default), or waits, reporting {@code STANDBY}, until an operator starts it
   * ({@code runner.rebuild(id, RebuildMode.BLUE_GREEN)} or {@code engine.generations().startRebuild()}).
   */
  public ProjectionEngineBuilder rebuildNewVersionOnStart(boolean startOnItsOwn) {
    this.rebuildNewVersionOnStart = startOnItsOwn;
    return this;
  }

  /**
   * Whether the node building a new generation makes it live by itself once it has caught up (true,
   * the default), or leaves that to an operator ({@code engine.generations().cutOver()}).
   */
  public ProjectionEngineBuilder automaticCutOver(boolean automatic) {
    this.automaticCutOver = automatic;
    return this;
  }

  /**
   * Whether a cut-over first compares both generations at the same position and refuses unless they
   * hold the same documents (default false); an automatic one holds until they stand at the same
   * position, and is not tried again once refused. See {@code ProjectionGenerations.compare}.
   */
  public ProjectionEngineBuilder verifyBeforeCutOver(boolean verify) {
    this.verifyBeforeCutOver = verify;
    return this;
  }

  /**
   * The lag, in positions between the source's head and the new generation's lowest checkpoint, under
   * which a new generation has caught up and is cut over. Default {@value #DEFAULT_CUT_OVER_LAG}.
   *
   * @throws IllegalArgumentException if negative
   */
  public ProjectionEngineBuilder cutOverLag(long cutOverLag) {
    if (cutOverLag < 0) {
      throw new IllegalArgumentException("cutOverLag must not be negative but was " + cutOverLag);
    }
    this.cutOverLag = cutOverLag;
    return this;
  }

  /**
   * How often queries and runners re-read which generation is live. A query that finds nothing reads
   * it at once. Default 1 second.
   *
   * @throws IllegalArgumentException if not 10 ms to 1 minute
   */
  public ProjectionEngineBuilder generationRefresh(Duration refresh) {
    Objects.requireNonNull(refresh, "generationRefresh must not be null");
    if (refresh.toMillis() < 10 || refresh.toSeconds() > 60) {
      throw new IllegalArgumentException(
          "generationRefresh must be 10 ms to 1 minute but was " + refresh);
    }
    this.generationRefresh = refresh;
    return this;
  }

  /**
   * How long a generation retired by a cut-over is kept, so that a rollback to it is possible, before
   * a node running the live generation drops it. Default 24 hours.
   *
   * @throws IllegalArgumentException if negative
   */
  public ProjectionEngineBuilder retiredGenerationGrace(Duration grace) {
    Objects.requireNonNull(grace, "retiredGenerationGrace must not be null");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("retiredGenerationGrace must not be negative but was "
          + grace);
    }
    this.retiredGenerationGrace = grace;
    return this;
  }

  /**
   * The engine. Building it does no I/O: the storage of the declared read models is prepared, and the
   * projection claimed, on first use (the first batch, query or operation), so an application starts
   * while its store is out and a runner waits for the store as its outage policy says.
   *
   * @throws IllegalArgumentException if a prefetch names an undeclared read model
   */
  public ProjectionEngine build() {
    for (ReadModel<?> readModel : prefetch.keySet()) {
      if (!readModels.contains(readModel)) {
        throw new IllegalArgumentException("prefetch: read model '" + readModel.name()
            + "' is not declared; call readModel(...) for it first");
      }
    }
    ProjectionStore chosen = store != null ? store : new InMemoryProjectionStateStore();
    EngineConfig config = new EngineConfig(projectionId, chosen, List.copyOf(readModels),
        Map.copyOf(prefetch), codec, eventTypes, clock, meterRegistry, handlerTimeout, batchSize, cacheSize,
        failurePolicy, contiguousPositions ? EngineConfig.Positions.CONTIGUOUS
            : EngineConfig.Positions.GAPS_ALLOWED, partitions, partitionKey,
        EngineObservations.of(observationRegistry, projectionId));
    if (partitions > 1) {
      ProjectionIds.partitionKey(projectionId, partitions - 1);
    }
    return new VersionedProjectionEngine(config, new VersionSettings(version,
        rebuildNewVersionOnStart, automaticCutOver, cutOverLag, generationRefresh,
        retiredGenerationGrace, verifyBeforeCutOver));
  }
}
