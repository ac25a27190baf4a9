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
import io.orchestrix.projection.core.internal.DefaultProjectionEngine;
import io.orchestrix.projection.core.internal.EngineConfig;
import io.orchestrix.projection.core.internal.EngineObservations;
import io.orchestrix.projection.core.internal.PartitionedProjectionEngine;
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

  /** How documents and dead-lettered events become JSON. Default: {@link JacksonDocumentCodec}. */
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

  /** The clock for timestamps in state and dead letters. Default: the UTC system clock. */
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

  /** How long an asynchronous handler's stage may take. Default {@value}: 30 seconds. */
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
      return new PartitionedProjectionEngine(config);
    }
    return new DefaultProjectionEngine(config);
  }
}
