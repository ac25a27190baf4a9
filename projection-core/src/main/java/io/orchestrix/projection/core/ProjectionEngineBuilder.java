package io.orchestrix.projection.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.internal.GenerationNames;
import io.orchestrix.projection.core.internal.VersionSettings;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.spi.DocumentCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link ProjectionEngine}. Not thread-safe; the engine it builds is. Every setter checks its
 * argument at once, throws {@link NullPointerException} for null and {@link IllegalArgumentException}
 * naming the setting and the rejected value, and returns this builder for the next setting. A value
 * set twice keeps the last; one never set keeps the default its setter names.
 *
 * <pre>{@code
 * ProjectionEngine engine = Projections.engine("orders").store(store).readModel(ORDERS).build();
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
  private final EngineSettings settings = new EngineSettings();

  ProjectionEngineBuilder(String projectionId) {
    this.projectionId = ProjectionIds.requireValid(
        Objects.requireNonNull(projectionId, "projectionId must not be null"));
  }

  /**
   * Sets where state and read models live. Default: a new {@link InMemoryProjectionStateStore}.
   *
   * @param store a store from {@link ProjectionStores#open} or a store module
   * @return this builder
   * @throws IllegalArgumentException if the store does not implement the store SPI
   *     ({@link io.orchestrix.projection.spi.ProjectionStore}), as every store module's stores do
   */
  public ProjectionEngineBuilder store(ProjectionStateStore store) {
    settings.store = EngineSettingChecks.spiStore(store);
    return this;
  }

  /**
   * Declares a read model this projection writes; its storage is prepared when the engine is first
   * used.
   *
   * @param readModel the read model, its name without {@code __} (kept for generations)
   * @return this builder
   * @throws IllegalArgumentException if its name is declared already or kept for generations
   */
  public ProjectionEngineBuilder readModel(ReadModel<?> readModel) {
    EngineSettingChecks.requireUndeclared(settings.readModels, readModel);
    GenerationNames.requireDeclarable(readModel.name());
    settings.readModels.add(readModel);
    return this;
  }

  /**
   * Declares which document of a read model each event will touch, so that a batch loads every such
   * document missing from the cache in one round trip before its handlers run (instead of one read
   * per document). Optional: without it the engine reads documents when handlers ask for them. A
   * second call for the same read model replaces the first.
   *
   * @param <T> the read model's document type
   * @param readModel a read model declared by {@link #readModel}, before or after this call
   * @param documentIdOfEvent the id of the document an event touches, or null for none; pure
   * @return this builder
   */
  public <T> ProjectionEngineBuilder prefetch(
      ReadModel<T> readModel, Function<EventEnvelope<?>, @Nullable String> documentIdOfEvent) {
    settings.prefetch.put(EngineSettingChecks.notNull(readModel, "readModel"),
        EngineSettingChecks.notNull(documentIdOfEvent, "documentIdOfEvent"));
    return this;
  }

  /**
   * Sets how documents and dead-lettered events become JSON. Default:
   * {@link io.orchestrix.projection.core.json.JacksonDocumentCodec}.
   *
   * @param codec the codec for documents and for the payloads of dead-lettered events
   * @return this builder
   */
  public ProjectionEngineBuilder codec(DocumentCodec codec) {
    settings.codec = Objects.requireNonNull(codec, "codec must not be null");
    return this;
  }

  /**
   * Sets how dead-lettered events are named and read back (with upcasters) when they are retried.
   * Default: {@link EventTypes#byClassName()}.
   *
   * @param eventTypes the names of event types and how each is read back, upcasters included
   * @return this builder
   */
  public ProjectionEngineBuilder eventTypes(EventTypes eventTypes) {
    settings.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes must not be null");
    return this;
  }

  /**
   * Sets the clock for timestamps in state and dead letters. Default: the UTC system clock.
   *
   * @param clock the clock the engine reads, for example a test's clock that the test moves
   * @return this builder
   */
  public ProjectionEngineBuilder clock(Clock clock) {
    settings.clock = Objects.requireNonNull(clock, "clock must not be null");
    return this;
  }

  /**
   * Sets where to record metrics (see {@link io.orchestrix.projection.MetricNames}). Default: none,
   * nothing is recorded.
   *
   * @param meterRegistry the registry the engine's meters are registered in
   * @return this builder
   */
  public ProjectionEngineBuilder meterRegistry(MeterRegistry meterRegistry) {
    settings.meterRegistry = EngineSettingChecks.notNull(meterRegistry, "meterRegistry");
    return this;
  }

  /**
   * Sets where to record observations: one per handler invocation and one per batch commit, each a
   * timer and, when the registry has a tracer, a span; a handler's span is a child of the trace named
   * by the event's {@code traceparent} metadata (see {@link io.orchestrix.projection.ObservationNames}).
   * Default: none, nothing is recorded and dispatch takes no other path.
   *
   * @param observationRegistry the registry observations are started in
   * @return this builder
   */
  public ProjectionEngineBuilder observationRegistry(ObservationRegistry observationRegistry) {
    settings.observationRegistry =
        EngineSettingChecks.notNull(observationRegistry, "observationRegistry");
    return this;
  }

  /**
   * Sets how long an asynchronous handler's stage may take. Default: 30 seconds.
   *
   * @param handlerTimeout the time allowed, positive
   * @return this builder
   * @throws IllegalArgumentException if zero or negative
   */
  public ProjectionEngineBuilder handlerTimeout(Duration handlerTimeout) {
    settings.handlerTimeout = EngineSettingChecks.positive("handlerTimeout", handlerTimeout);
    return this;
  }

  /**
   * Sets the events per batch in {@link ProjectionEngine#replay}. Default 1,000.
   *
   * @param batchSize 1 to 100,000
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public ProjectionEngineBuilder batchSize(int batchSize) {
    settings.batchSize = EngineSettingChecks.range("batchSize", batchSize, 1, 100_000);
    return this;
  }

  /**
   * Sets the documents per read model the writer keeps cached; 0 turns the cache off. Default
   * 100,000. While a read model is known to be held completely (it was empty when the projection was
   * claimed or reset), the cache also keeps a Bloom filter of the ids it evicts, 1 to 8 MiB per read
   * model, allocated at the first eviction, so that documents it never saw need no store read.
   *
   * @param cacheSize the most documents cached per read model, 0 or more
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public ProjectionEngineBuilder cacheSize(int cacheSize) {
    settings.cacheSize = EngineSettingChecks.notNegative("cacheSize", cacheSize);
    return this;
  }

  /**
   * Sets what a handler failure does: stop, dead-letter, or retry with backoff first. Default
   * {@link FailurePolicy#stop()}.
   *
   * @param failurePolicy the policy for every handler of the projection
   * @return this builder
   */
  public ProjectionEngineBuilder failurePolicy(FailurePolicy failurePolicy) {
    settings.failurePolicy = EngineSettingChecks.notNull(failurePolicy, "failurePolicy");
    return this;
  }

  /**
   * Sets whether positions must be contiguous (1, 2, 3, ...). Default false: positions may have gaps,
   * as global positions of most event stores do, so the engine cannot tell a gap from a missing event
   * and events must be delivered in order. When true, an event that does not continue the checkpoint
   * is refused with {@link io.orchestrix.projection.PositionGapException} and nothing is applied,
   * which makes out-of-order delivery (several threads feeding one projection) safe.
   *
   * @param contiguousPositions whether a gap in positions is refused
   * @return this builder
   */
  public ProjectionEngineBuilder requireContiguousPositions(boolean contiguousPositions) {
    settings.contiguousPositions = contiguousPositions;
    return this;
  }

  /**
   * Splits the projection into partitions, each with its own checkpoint, writer token and dead
   * letters, which several threads or nodes may process at once (a {@link ProjectionRunner} with a
   * node name shares them out by leases in the store). An event belongs to the partition of its
   * partition key ({@link #partitionKey}, the stream id by default). A document written from two
   * partitions is refused ({@link io.orchestrix.projection.PartitionConflictException}). The count
   * is part of the stored data: changing it needs a rebuild. Default 1. {@link #build} refuses a
   * projection id too long to name every partition.
   *
   * @param partitions 1 to {@value #MAX_PARTITIONS}
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public ProjectionEngineBuilder partitions(int partitions) {
    settings.partitions = EngineSettingChecks.range("partitions", partitions, 1, MAX_PARTITIONS);
    return this;
  }

  /**
   * Sets the partition key of an event, when it is not the stream id: for example a customer id,
   * when a read-model document gathers several streams of one customer. A source can filter by
   * stream id on its server, but must read every event to apply a function, so prefer the stream id
   * where it keeps documents within one partition.
   *
   * @param partitionKey the key of an event; pure, never returning null
   * @return this builder
   */
  public ProjectionEngineBuilder partitionKey(Function<EventEnvelope<?>, String> partitionKey) {
    settings.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey must not be null");
    return this;
  }

  /**
   * Sets the version of this projection's code: bump it when a change of handlers needs the read
   * models rebuilt. A node whose version the store does not know builds it as a new generation
   * beside the live one (its own read models, {@code name__g<n>}, and checkpoints), which keeps
   * serving queries and following events; once the new generation has caught up it is made live in
   * one commit, and nodes still running an older version refuse to write
   * ({@link io.orchestrix.projection.ProjectionVersionException}). Default {@value #DEFAULT_VERSION}.
   *
   * @param version 1 to 40 characters of letters, digits, '.', '_' and '-'
   * @return this builder
   * @throws IllegalArgumentException if not such a string
   */
  public ProjectionEngineBuilder version(String version) {
    settings.version = EngineSettingChecks.version(version);
    return this;
  }

  /**
   * Sets the version of this projection's code as a number; see {@link #version(String)}.
   *
   * @param version the version, 0 or more
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public ProjectionEngineBuilder version(int version) {
    return version(Integer.toString(EngineSettingChecks.notNegative("version", version)));
  }

  /**
   * Sets whether a runner whose version the store does not know starts building it by itself (true,
   * the default), or waits in {@code STANDBY} until an operator starts it ({@code runner.rebuild(id,
   * RebuildMode.BLUE_GREEN)} or {@code engine.generations().startRebuild()}).
   *
   * @param startOnItsOwn whether the rebuild of a new version starts without an operator
   * @return this builder
   */
  public ProjectionEngineBuilder rebuildNewVersionOnStart(boolean startOnItsOwn) {
    settings.rebuildNewVersionOnStart = startOnItsOwn;
    return this;
  }

  /**
   * Sets whether the node building a new generation makes it live by itself once it has caught up
   * (true, the default), or leaves that to an operator ({@code engine.generations().cutOver()}).
   *
   * @param automatic whether the cut-over happens without an operator
   * @return this builder
   */
  public ProjectionEngineBuilder automaticCutOver(boolean automatic) {
    settings.automaticCutOver = automatic;
    return this;
  }

  /**
   * Sets whether a cut-over first compares both generations at the same position and refuses unless
   * they hold the same documents (default false); an automatic one holds until they stand at the same
   * position, and is not tried again once refused. See {@code ProjectionGenerations.compare}.
   *
   * @param verify true to compare before every cut-over
   * @return this builder
   */
  public ProjectionEngineBuilder verifyBeforeCutOver(boolean verify) {
    settings.verifyBeforeCutOver = verify;
    return this;
  }

  /**
   * Sets the lag, in positions between the source's head and the new generation's lowest
   * checkpoint, under which a new generation has caught up and is cut over. Default
   * {@value #DEFAULT_CUT_OVER_LAG}.
   *
   * @param cutOverLag the lag, 0 or more
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public ProjectionEngineBuilder cutOverLag(long cutOverLag) {
    settings.cutOverLag = EngineSettingChecks.notNegative("cutOverLag", cutOverLag);
    return this;
  }

  /**
   * Sets how often queries and runners re-read which generation is live. A query that finds nothing
   * reads it at once. Default 1 second.
   *
   * @param refresh the interval, 10 ms to 1 minute
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public ProjectionEngineBuilder generationRefresh(Duration refresh) {
    settings.generationRefresh = EngineSettingChecks.generationRefresh(refresh);
    return this;
  }

  /**
   * Sets how long a generation retired by a cut-over is kept, so that a rollback to it is possible,
   * before a node running the live generation drops it. Default 24 hours.
   *
   * @param grace the time kept, zero or more
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public ProjectionEngineBuilder retiredGenerationGrace(Duration grace) {
    settings.retiredGenerationGrace =
        EngineSettingChecks.notNegative("retiredGenerationGrace", grace);
    return this;
  }

  /**
   * Limits how fast a new generation is built beside the live one, leaving CPU and store time to
   * readers and the live generation: this node's writers of it (its partitions together) process at
   * most this many events per second. The live generation is never limited. Default 0: no limit.
   *
   * @param eventsPerSecond the limit, 0 for none, up to 100,000,000
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public ProjectionEngineBuilder buildRateLimit(int eventsPerSecond) {
    settings.buildRateLimit = EngineSettingChecks.buildRateLimit(eventsPerSecond);
    return this;
  }

  /**
   * Builds the engine. Building it does no I/O: the storage of the declared read models is
   * prepared, and the projection claimed, on first use (the first batch, query or operation), so an
   * application starts while its store is out and a runner waits for the store as its outage policy
   * says. Settings changed afterwards do not reach the engine.
   *
   * @return a new engine with these settings
   * @throws IllegalArgumentException if a prefetch names an undeclared read model, or the projection
   *     id is too long to name its partitions
   */
  public ProjectionEngine build() {
    return settings.build(projectionId);
  }
}
