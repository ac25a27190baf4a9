package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.AsyncEventHandler;
import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventConsumer;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventHandler;
import io.orchestrix.projection.InvalidEventException;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.Partitions;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A projection split into partitions: one {@link DefaultProjectionEngine} per partition over shared
 * parts (handlers, read models, codec), so registering on this engine or on any partition registers
 * for all. Processing through this engine sorts a batch's events by partition and processes each
 * partition's share in that partition, in partition order; each partition commits on its own, so a
 * failure in one leaves the partitions before it committed. A runner instead drives each partition
 * ({@link #partition}) on its own, by {@link #partitionFilter}. Thread-safe as each partition is.
 */
public final class PartitionedProjectionEngine implements ProjectionEngine {

  private final String projectionId;
  private final EngineParts parts;
  private final List<DefaultProjectionEngine> partitions;
  private final PartitionedOperations operations;

  public PartitionedProjectionEngine(EngineConfig config) {
    this(new EngineParts(config, new HandlerRegistry()));
  }

  /** A partitioned engine over given parts (those of one generation of a versioned projection). */
  PartitionedProjectionEngine(EngineParts parts) {
    EngineConfig config = parts.config;
    this.projectionId = config.projectionId();
    this.parts = parts;
    List<DefaultProjectionEngine> engines = new ArrayList<>(config.partitions());
    for (int partition = 0; partition < config.partitions(); partition++) {
      engines.add(new DefaultProjectionEngine(parts, partition));
    }
    this.partitions = List.copyOf(engines);
    this.operations = new PartitionedOperations(partitions, parts);
  }

  @Override
  public String projectionId() {
    return projectionId;
  }

  @Override
  public int partitions() {
    return partitions.size();
  }

  @Override
  public ProjectionEngine partition(int partition) {
    requirePartition(partition);
    return partitions.get(partition);
  }

  @Override
  public PartitionFilter partitionFilter(int partition) {
    requirePartition(partition);
    return parts.config.partitionFilter(partition);
  }

  private void requirePartition(int partition) {
    if (partition < 0 || partition >= partitions.size()) {
      throw new IllegalArgumentException("projection '" + projectionId + "' has partitions 0 to "
          + (partitions.size() - 1) + ", not " + partition);
    }
  }

  @Override
  public <E> ProjectionEngine on(Class<E> eventType, EventConsumer<? super E> handler) {
    partitions.get(0).on(eventType, handler);
    return this;
  }

  @Override
  public <E> ProjectionEngine on(Class<E> eventType, EventHandler<? super E> handler) {
    partitions.get(0).on(eventType, handler);
    return this;
  }

  @Override
  public <E> ProjectionEngine onAsync(Class<E> eventType, AsyncEventHandler<? super E> handler) {
    partitions.get(0).onAsync(eventType, handler);
    return this;
  }

  @Override
  public <E> ProjectionEngine onSideEffect(Class<E> eventType, EventHandler<? super E> handler) {
    partitions.get(0).onSideEffect(eventType, handler);
    return this;
  }

  @Override
  public ProjectionEngine register(Object projection) {
    partitions.get(0).register(projection);
    return this;
  }

  @Override
  public BatchResult handleEvent(EventEnvelope<?> event) {
    if (event == null) {
      throw new InvalidEventException(
          "projection '" + projectionId + "' was given a null event", projectionId, null, 0);
    }
    return processEvents(List.of(event));
  }

  /**
   * Processes each partition's share of the batch in that partition, in partition order.
   *
   * @throws InvalidEventException as {@link ProjectionEngine#processEvents} does, before any
   *     partition applies anything
   */
  @Override
  public BatchResult processEvents(List<? extends EventEnvelope<?>> events) {
    if (events == null) {
      throw new InvalidEventException(
          "projection '" + projectionId + "' was given a null batch", projectionId, null, 0);
    }
    new EventOrder(projectionId, EngineConfig.Positions.GAPS_ALLOWED).checkBatch(events);
    List<List<EventEnvelope<?>>> shares = new ArrayList<>(partitions.size());
    for (int i = 0; i < partitions.size(); i++) {
      shares.add(new ArrayList<>());
    }
    for (EventEnvelope<?> event : events) {
      shares.get(partitionOf(event)).add(event);
    }
    BatchResult total = new BatchResult(0, 0, 0, 0);
    for (int partition = 0; partition < partitions.size(); partition++) {
      if (!shares.get(partition).isEmpty()) {
        total = total.plus(partitions.get(partition).processEvents(shares.get(partition)));
      }
    }
    return new BatchResult(total.applied(), total.skipped(), total.deadLettered(),
        state().lastProcessedPosition());
  }

  /** The partition of an event, by the projection's partition key. */
  int partitionOf(EventEnvelope<?> event) {
    Function<EventEnvelope<?>, String> key = parts.config.partitionKey();
    String partitionKey = key == null ? event.streamId() : Objects.requireNonNull(key.apply(event),
        () -> "projection '" + projectionId + "': the partition key function returned null for event "
            + event.eventId());
    return Partitions.of(partitionKey, partitions.size());
  }

  /** Processes the batch as {@link #processEvents} does, and returns a completed stage. */
  @Override
  public CompletionStage<BatchResult> processEventsPipelined(List<? extends EventEnvelope<?>> events) {
    try {
      return CompletableFuture.completedFuture(processEvents(events));
    } catch (InvalidEventException e) {
      throw e;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Resets every partition, then processes the events in batches of the configured size, each
   * partition's share in that partition.
   */
  @Override
  public BatchResult replay(Iterable<? extends EventEnvelope<?>> events) {
    Objects.requireNonNull(events, "events must not be null");
    operations.reset();
    EventOrder order = new EventOrder(projectionId, EngineConfig.Positions.GAPS_ALLOWED);
    BatchResult total = new BatchResult(0, 0, 0, 0);
    List<EventEnvelope<?>> batch = new ArrayList<>(parts.config.batchSize());
    for (EventEnvelope<?> event : events) {
      order.checkNext(event);
      batch.add(event);
      if (batch.size() == parts.config.batchSize()) {
        total = total.plus(processEvents(batch));
        batch = new ArrayList<>(parts.config.batchSize());
      }
    }
    if (!batch.isEmpty()) {
      total = total.plus(processEvents(batch));
    }
    return new BatchResult(total.applied(), total.skipped(), total.deadLettered(),
        state().lastProcessedPosition());
  }

  /** Claims every partition anew, in partition order, and returns the combined state. */
  @Override
  public ProjectionState claim() {
    List<ProjectionState> states = new ArrayList<>(partitions.size());
    partitions.forEach(partition -> states.add(partition.claim()));
    return PartitionedOperations.combined(projectionId, states);
  }

  /** Operations on every partition; see {@link PartitionedOperations}. */
  @Override
  public ProjectionOperations operations() {
    return operations;
  }

  @Override
  public boolean isHealthy() {
    return state().healthy();
  }

  /**
   * The projection's state as one: the lowest checkpoint of its partitions (every event up to it is
   * applied), unhealthy if any partition is, with the errors of all.
   */
  @Override
  public ProjectionState state() {
    List<ProjectionState> states = new ArrayList<>(partitions.size());
    partitions.forEach(partition -> states.add(partition.state()));
    return PartitionedOperations.combined(projectionId, states);
  }

  @Override
  public <T> ReadModelView<T> readModel(ReadModel<T> readModel) {
    return partitions.get(0).readModel(readModel);
  }

  /** The engine of each partition, in partition order. */
  List<DefaultProjectionEngine> partitionEngines() {
    return partitions;
  }

  @Override
  public String toString() {
    return "ProjectionEngine[" + projectionId + " in " + partitions.size() + " partitions on "
        + parts.store.description() + "]";
  }
}
