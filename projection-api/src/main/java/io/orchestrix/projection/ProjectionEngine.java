package io.orchestrix.projection;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Applies an ordered stream of events to read models: the projection engine.
 *
 * <h2>Delivery guarantee</h2>
 * Exactly-once effect: each batch's read-model changes, dead letters and new checkpoint are committed
 * together, atomically, by the store; an event at or below the checkpoint is skipped. After a crash at
 * any point, processing the stream again from the stored checkpoint gives the same read model as an
 * uninterrupted run. Handlers themselves may run more than once for an event whose batch did not
 * commit, so effects outside the read models (sending mail, printing) are at-least-once.
 *
 * <h2>Threading</h2>
 * All processing of one engine is serialised: {@code handleEvent}, {@code processEvents},
 * {@code replay} and {@code reset} called from many threads run one at a time, in the order they
 * acquire the engine's lock. Registration is thread-safe and takes effect from the next batch.
 * Queries through {@link #readModel} may run concurrently with processing and see committed data.
 *
 * <h2>Errors</h2>
 * What a handler failure does is the engine's {@link FailurePolicy}: with the default,
 * {@link FailurePolicy#stop()}, it raises {@link HandlerFailedException}; what was applied before the
 * failing event is committed, the failing event's own changes are not, and the projection becomes
 * unhealthy and stopped at that event. Processing resumes when the failed event is processed again
 * successfully, or after a reset or {@link #replay}. Invalid input raises
 * {@link InvalidEventException} and changes nothing.
 */
public interface ProjectionEngine {

  /** {@return this projection's id} */
  String projectionId();

  /**
   * Registers a synchronous handler that takes only the event. Handlers for a type run in
   * registration order; a handler registered for type {@code T} receives every payload that is an
   * instance of {@code T} (the exact class, a subclass, or an implementation of an interface).
   *
   * @param <E> the payload type the handler receives
   * @param eventType the payload class (or supertype, or interface) to receive; not null
   * @param handler the handler; not null
   * @return this engine
   */
  <E> ProjectionEngine on(Class<E> eventType, EventConsumer<? super E> handler);

  /**
   * Registers a synchronous handler that also takes the {@link HandlerContext}.
   *
   * @param <E> the payload type the handler receives
   * @param eventType the payload class (or supertype, or interface) to receive; not null
   * @param handler the handler, given the event and its context; not null
   * @return this engine
   */
  <E> ProjectionEngine on(Class<E> eventType, EventHandler<? super E> handler);

  /**
   * Registers an asynchronous handler; the engine awaits its stage before the next handler.
   *
   * @param <E> the payload type the handler receives
   * @param eventType the payload class (or supertype, or interface) to receive; not null
   * @param handler the handler; its stage must complete for processing to go on; not null
   * @return this engine
   */
  <E> ProjectionEngine onAsync(Class<E> eventType, AsyncEventHandler<? super E> handler);

  /**
   * Registers every {@link Handles}-annotated method of a projection object.
   *
   * @param projection the object whose annotated methods handle events; not null
   * @return this engine
   * @throws IllegalArgumentException if the object has no such method, or one has an unusable
   *     signature (the message names the method and what is wrong)
   */
  ProjectionEngine register(Object projection);

  /**
   * Processes one event as a batch of one.
   *
   * @param event the event to process; not null
   * @return what the batch did: how many events were applied, skipped or dead-lettered, and the new
   *     checkpoint
   */
  BatchResult handleEvent(EventEnvelope<?> event);

  /**
   * Processes a batch of events in order, committing once at its end.
   *
   * @param events the events, in strictly increasing position order; not null
   * @return what the batch did: how many events were applied, skipped or dead-lettered, and the new
   *     checkpoint
   * @throws InvalidEventException if the batch holds null or its positions do not strictly increase;
   *     nothing is applied
   * @throws ProjectionStoppedException if the projection is stopped at a failed event that the batch
   *     does not start with
   * @throws HandlerFailedException if a handler fails and the failure policy stops (at once, or after
   *     its retries); the events before it are committed
   * @throws ProjectionConflictException if another writer moved the checkpoint or took the projection
   * @throws StoreException if the store fails; nothing of this batch is committed
   */
  BatchResult processEvents(List<? extends EventEnvelope<?>> events);

  /**
   * Processes a batch as {@link #processEvents} does, but returns once its handlers have run and its
   * commit is queued, so that the next batch's handlers run while this one commits (pipelining: the
   * handlers' CPU work overlaps the store's round trip). Commits apply in call order, one at a time;
   * at most one commit is in flight while the next batch is prepared, so memory stays bounded. The
   * stage completes when the batch is committed, or exceptionally with what {@link #processEvents}
   * would throw after applying anything. Invalid input and a stopped projection are refused at once,
   * as by {@link #processEvents}. A handler failure under a retrying {@link FailurePolicy} is
   * retried within this call, as by {@link #processEvents}: the call returns once the failed event
   * was applied, dead-lettered or stopped at.
   *
   * <p>If a queued commit fails, every batch queued after it fails too (nothing of them is
   * committed), and the next call to this engine throws a transient {@link StoreException} naming the
   * checkpoint to resume from: a caller cannot go on past the lost batches without knowing.
   *
   * @param events the events, in strictly increasing position order; not null
   * @return a stage completing with the batch's result once it is committed
   */
  CompletionStage<BatchResult> processEventsPipelined(List<? extends EventEnvelope<?>> events);

  /**
   * Rebuilds the projection: resets it (see {@link ProjectionOperations#reset()}) and processes the
   * events in batches of the configured size, pipelined as by {@link #processEventsPipelined}. The
   * events are read lazily, so any number may be replayed in bounded memory; for the same reason a
   * null event or a position that goes backwards stops the replay there with
   * {@link InvalidEventException}, the batches before it being committed. A handler failure is handled
   * by the {@link FailurePolicy} as in {@link #processEvents}.
   *
   * @param events the whole stream to rebuild from, read lazily in position order; not null
   * @return the totals of the replay over all its batches
   */
  BatchResult replay(Iterable<? extends EventEnvelope<?>> events);

  /**
   * How many partitions this projection is split into; 1 if it is not. Each partition has its own
   * checkpoint, writer token and dead letters, kept under {@link ProjectionIds#partitionKey}.
   *
   * @return the number of partitions, at least 1
   */
  default int partitions() {
    return 1;
  }

  /**
   * The engine of one partition: the same handlers and read models, with the partition's own
   * checkpoint, writer token, dead letters and operations. It processes whatever events it is given
   * (choosing them is the caller's part, by {@link #partitionFilter}), and its first batch or
   * operation claims the partition, fencing any other writer of it. For a projection that is not split,
   * {@code partition(0)} is this engine.
   *
   * @param partition the partition's number, from 0
   * @return the engine of that partition
   * @throws IllegalArgumentException if the partition is not 0 to {@link #partitions()} - 1
   */
  ProjectionEngine partition(int partition);

  /**
   * Which events a partition processes.
   *
   * @param partition the partition's number, from 0
   * @return the filter choosing the events that belong to that partition
   * @throws IllegalArgumentException if the partition is not 0 to {@link #partitions()} - 1
   */
  PartitionFilter partitionFilter(int partition);

  /**
   * Claims this projection's writer anew (for a partition's engine, the partition's writer), even if
   * this engine claimed it before: takes a new fencing token, so that any other writer's commit is
   * refused from now on, waits for this engine's queued commits, and reloads the stored state and dead
   * letters, forgetting what this engine believed. What a source does when it is given ownership of a
   * partition, before it reads the checkpoint to resume from. For a split projection, claims every
   * partition.
   *
   * <p>Contract: once this returns, every commit of a writer that claimed before it (another process,
   * or this engine's own earlier claim) is refused by the store with {@link WriterFencedException},
   * and the returned state includes every commit the store accepted before the claim, so a caller that
   * resumes after the returned checkpoint applies each event once whichever of the two writers
   * committed first. Thread-safe: a batch this engine is processing on another thread finishes (or
   * fails) before the claim is taken. The claim writes only the new token; after a crash, the next
   * claimer's token supersedes it and nothing else needs repair. Calling it again is harmless (a newer
   * token, the same state).
   *
   * @return the stored state after the claim (for a split projection, the combined state)
   * @throws StoreException if the store fails; this engine then claims again on its next batch
   */
  ProjectionState claim();

  /**
   * {@return an operator's actions on this projection: reset, move the checkpoint, dead letters}
   */
  ProjectionOperations operations();

  /** {@return whether the projection is healthy (not stopped at a failed event)} */
  boolean isHealthy();

  /** {@return the projection's current state, loaded from the store on first use} */
  ProjectionState state();

  /**
   * Committed-data queries over a read model declared on this engine.
   *
   * @param <T> the read model's document type
   * @param readModel the read model, as declared on this engine; not null
   * @return a view of the read model's committed documents
   * @throws IllegalArgumentException if the read model was not declared on this engine
   */
  <T> ReadModelView<T> readModel(ReadModel<T> readModel);

  /**
   * Registers a synchronous handler whose effect is outside the read models (mail, calls to other
   * systems): it runs as {@link #on(Class, EventHandler)} does, except that it is not called while the
   * projection builds a new generation beside the live one. The lambda form of {@link SideEffecting}.
   *
   * @param <E> the payload type the handler receives
   * @param eventType the payload class (or supertype, or interface) to receive; not null
   * @param handler the side-effecting handler; not null
   * @return this engine
   * @throws UnsupportedOperationException if this engine does not support it
   */
  default <E> ProjectionEngine onSideEffect(Class<E> eventType, EventHandler<? super E> handler) {
    throw new UnsupportedOperationException(getClass().getName() + " has no side-effect handlers");
  }

  /**
   * The projection's generations, for a rebuild without downtime: start, cut over, roll back, drop.
   *
   * @return the operations on this projection's generations
   * @throws UnsupportedOperationException if this engine does not support generations
   */
  default ProjectionGenerations generations() {
    throw new UnsupportedOperationException(getClass().getName() + " has no generations");
  }
}
