package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.AsyncEventHandler;
import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventConsumer;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventHandler;
import io.orchestrix.projection.InvalidEventException;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.spi.Commit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The engine behind {@link ProjectionEngine}, a facade: registration goes to the
 * {@link HandlerRegistry}, processing to the {@link WriterSession} (which owns the checkpoint) through
 * a {@link BatchDriver} (which carries out the failure policy's retries for callers that wait),
 * operator actions to {@link SessionOperations}, queries to a {@link CommittedView}. Building it does
 * no I/O: the read models are prepared and the projection claimed on first use.
 */
public final class DefaultProjectionEngine implements ProjectionEngine {

  private final String projectionId;
  private final EngineParts parts;
  private final HandlerRegistry registry;
  private final int partition;
  private final WriterSession session;
  private final SessionOperations operations;
  private final BatchDriver driver;

  public DefaultProjectionEngine(EngineConfig config) {
    this(new EngineParts(config, new HandlerRegistry()), Commit.UNPARTITIONED);
  }

  /**
   * The engine of one partition of a projection (or of the whole of one that is not split), sharing
   * the parts, and so the handlers and read models, of its projection.
   */
  DefaultProjectionEngine(EngineParts parts, int partition) {
    this.projectionId = parts.config.projectionId();
    this.parts = parts;
    this.registry = parts.registry;
    this.partition = partition;
    this.session = new WriterSession(partition == Commit.UNPARTITIONED ? projectionId
        : ProjectionIds.partitionKey(projectionId, partition), partition, parts);
    this.operations = new SessionOperations(session, parts);
    this.driver = new BatchDriver(session, operations, parts.config.batchSize());
  }

  @Override
  public String projectionId() {
    return projectionId;
  }

  // ---- registration

  @Override
  public <E> ProjectionEngine on(Class<E> eventType, EventConsumer<? super E> handler) {
    Objects.requireNonNull(handler, "handler must not be null");
    return add(eventType, (payload, context) -> {
      handler.accept(eventType.cast(payload));
      return null;
    });
  }

  @Override
  public <E> ProjectionEngine on(Class<E> eventType, EventHandler<? super E> handler) {
    Objects.requireNonNull(handler, "handler must not be null");
    return add(eventType, (payload, context) -> {
      handler.handle(eventType.cast(payload), context);
      return null;
    });
  }

  @Override
  public <E> ProjectionEngine onAsync(Class<E> eventType, AsyncEventHandler<? super E> handler) {
    Objects.requireNonNull(handler, "handler must not be null");
    return add(eventType, (payload, context) -> {
      CompletionStage<?> stage = handler.handle(eventType.cast(payload), context);
      return stage == null ? RegisteredHandler.NULL_STAGE : stage;
    });
  }

  private ProjectionEngine add(Class<?> eventType, RegisteredHandler.Invoker invoker) {
    Objects.requireNonNull(eventType, "eventType must not be null: a handler needs an event type");
    if (eventType.isPrimitive()) {
      throw new IllegalArgumentException("event type must be a class, not the primitive " + eventType);
    }
    String name = "on(" + eventType.getSimpleName() + ")#" + registry.nextLambdaNumber();
    registry.add(List.of(new RegisteredHandler(name, eventType, invoker)));
    return this;
  }

  @Override
  public ProjectionEngine register(Object projection) {
    Objects.requireNonNull(projection, "projection must not be null");
    registry.add(AnnotatedHandlers.scan(projection));
    return this;
  }

  // ---- processing

  @Override
  public BatchResult handleEvent(EventEnvelope<?> event) {
    if (event == null) {
      throw new InvalidEventException(
          "projection '" + projectionId + "' was given a null event", projectionId, null, 0);
    }
    return processEvents(List.of(event));
  }

  @Override
  public BatchResult processEvents(List<? extends EventEnvelope<?>> events) {
    return driver.process(validate(events));
  }

  @Override
  public CompletionStage<BatchResult> processEventsPipelined(List<? extends EventEnvelope<?>> events) {
    return driver.processPipelined(validate(events));
  }

  @Override
  public BatchResult replay(Iterable<? extends EventEnvelope<?>> events) {
    Objects.requireNonNull(events, "events must not be null");
    return driver.replay(events, new EventOrder(projectionId, parts.config.positions()));
  }

  /**
   * The writer session a runner drives directly, receiving outcomes instead of exceptions and waiting
   * out retries itself.
   */
  WriterSession writerSession() {
    return session;
  }

  @Override
  public ProjectionEngine partition(int number) {
    if (number != Math.max(partition, 0)) {
      throw new IllegalArgumentException("projection '" + projectionId + "' has no partition "
          + number + (partition == Commit.UNPARTITIONED ? ": it is not split" : " here"));
    }
    return this;
  }

  @Override
  public PartitionFilter partitionFilter(int number) {
    partition(number);
    return partition == Commit.UNPARTITIONED ? PartitionFilter.ALL
        : parts.config.partitionFilter(number);
  }

  @Override
  public ProjectionState claim() {
    return session.reclaim();
  }

  @Override
  public ProjectionOperations operations() {
    return operations;
  }

  @Override
  public boolean isHealthy() {
    return state().healthy();
  }

  @Override
  public ProjectionState state() {
    ProjectionState known = session.knownState();
    if (known != null) {
      return known;
    }
    String key = session.writerKey();
    return parts.store.loadState(key).orElseGet(() -> ProjectionState.initial(key, parts.now()));
  }

  @Override
  public <T> ReadModelView<T> readModel(ReadModel<T> readModel) {
    Objects.requireNonNull(readModel, "readModel must not be null");
    ReadModel<T> declared = parts.readModels.require(readModel, projectionId);
    parts.prepareReadModels();
    return new CommittedView<>(declared, parts.store, parts.readModels);
  }

  @Override
  public String toString() {
    return "ProjectionEngine[" + session.writerKey() + " on " + parts.store.description() + "]";
  }

  private List<? extends EventEnvelope<?>> validate(
      @Nullable List<? extends EventEnvelope<?>> events) {
    if (events == null) {
      throw new InvalidEventException(
          "projection '" + projectionId + "' was given a null batch", projectionId, null, 0);
    }
    new EventOrder(projectionId, parts.config.positions()).checkBatch(events);
    return events;
  }
}
