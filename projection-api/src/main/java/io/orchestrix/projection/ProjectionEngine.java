package io.orchestrix.projection;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Applies an ordered stream of events to read models, the seed's {@code ProjectionEngine}.
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
 * A handler failure raises {@link HandlerFailedException}; what was applied before the failing event
 * is committed, the failing event's own changes are not, and the projection becomes unhealthy and
 * stopped at that event (with the default error policy). Processing resumes when the failed event is
 * processed again successfully, or after {@link #reset()} / {@link #replay}. Invalid input raises
 * {@link InvalidEventException} and changes nothing.
 */
public interface ProjectionEngine {

  /** This projection's id. */
  String projectionId();

  /**
   * Registers a synchronous handler that takes only the event. Handlers for a type run in
   * registration order; a handler registered for type {@code T} receives every payload that is an
   * instance of {@code T} (the exact class, a subclass, or an implementation of an interface).
   *
   * @return this engine
   */
  <E> ProjectionEngine on(Class<E> eventType, EventConsumer<? super E> handler);

  /** Registers a synchronous handler that also takes the {@link HandlerContext}. */
  <E> ProjectionEngine on(Class<E> eventType, EventHandler<? super E> handler);

  /** Registers an asynchronous handler; the engine awaits its stage before the next handler. */
  <E> ProjectionEngine onAsync(Class<E> eventType, AsyncEventHandler<? super E> handler);

  /**
   * Registers every {@link Handles}-annotated method of a projection object.
   *
   * @throws IllegalArgumentException if the object has no such method, or one has an unusable
   *     signature (the message names the method and what is wrong)
   */
  ProjectionEngine register(Object projection);

  /** Processes one event as a batch of one. */
  BatchResult handleEvent(EventEnvelope<?> event);

  /**
   * Processes a batch of events in order, committing once at its end.
   *
   * @throws InvalidEventException if the batch holds null or its positions do not strictly increase;
   *     nothing is applied
   * @throws ProjectionStoppedException if the projection is stopped at a failed event that the batch
   *     does not start with
   * @throws HandlerFailedException if a handler fails; the events before it are committed
   * @throws ProjectionConflictException if another writer moved the checkpoint or took the projection
   * @throws StoreException if the store fails; nothing of this batch is committed
   */
  BatchResult processEvents(List<? extends EventEnvelope<?>> events);

  /**
   * Processes a batch as {@link #processEvents} does, but returns once its handlers have run and its
   * commit is queued, so that the next batch's handlers run while this one commits (pipelining: the
   * handlers' CPU work overlaps the store's round trip). Commits apply in submission order, one at a
   * time; at most one commit is in flight while the next batch is prepared, so memory stays bounded.
   * The stage completes when the batch is committed, or exceptionally with what
   * {@link #processEvents} would throw after applying anything. Invalid input and a stopped
   * projection are refused at once, as by {@link #processEvents}.
   *
   * <p>If a queued commit fails, every batch queued after it fails too (nothing of them is
   * committed), and the next call to this engine throws a transient {@link StoreException} naming the
   * checkpoint to resume from: a caller cannot go on past the lost batches without knowing.
   */
  CompletionStage<BatchResult> submit(List<? extends EventEnvelope<?>> events);

  /** {@link #processEvents} on the given executor. */
  CompletionStage<BatchResult> processEventsAsync(
      List<? extends EventEnvelope<?>> events, Executor executor);

  /**
   * Rebuilds the projection: resets it (see {@link #reset()}) and processes the events in batches of
   * the configured size, pipelined as by {@link #submit}. The events are read lazily, so any number
   * may be replayed in bounded memory; for the same reason a null event or a position that goes
   * backwards stops the replay there with {@link InvalidEventException}, the batches before it being
   * committed. A handler failure stops it as {@link #processEvents} would.
   */
  BatchResult replay(Iterable<? extends EventEnvelope<?>> events);

  /**
   * Atomically deletes every document of this projection's read models, its dead letters and its
   * checkpoint, and makes it healthy again. Other projections are untouched.
   */
  void reset();

  /**
   * Moves the checkpoint to a position without touching the read models, and makes the projection
   * healthy: an operator's tool. Moving forward skips the events in between (their effect is never
   * applied); moving back applies events again, which is safe only if every handler is idempotent.
   * Use {@link #reset()} or {@link #replay} to rebuild instead.
   *
   * @throws IllegalArgumentException if the position is negative
   */
  void resetTo(long position);

  /**
   * Dead-letters the event the projection is stopped at, moving the checkpoint past it, so processing
   * goes on; later events of its stream are parked behind it. Used by a runner whose retries are
   * exhausted.
   *
   * @throws IllegalStateException if the projection is not stopped at this event's position
   */
  default void deadLetterFailedEvent(EventEnvelope<?> failedEvent) {
    deadLetterFailedEvent(failedEvent, 1);
  }

  /**
   * As {@link #deadLetterFailedEvent(EventEnvelope)}, recording how many attempts were made.
   *
   * @throws IllegalArgumentException if attempts is below 1
   */
  void deadLetterFailedEvent(EventEnvelope<?> failedEvent, int attempts);

  /**
   * Retries the selected dead letters through the handlers, in position order per stream, with the
   * same exactly-once commit as any batch; each one that succeeds is removed, and the events parked
   * behind it are applied in order. One that fails again stays (its attempts grow), and so does
   * everything behind it.
   *
   * @return how many were applied, and how many still fail
   */
  DeadLetterRetryResult retryDeadLetters(java.util.function.Predicate<? super DeadLetter> selection);

  /**
   * Deletes the selected dead letters without applying them; events parked behind them are then
   * applied in order, as by {@link #retryDeadLetters}.
   *
   * @return how many were discarded
   */
  int discardDeadLetters(java.util.function.Predicate<? super DeadLetter> selection);

  /** Whether the projection is healthy (not stopped at a failed event). */
  boolean isHealthy();

  /** The projection's current state, loaded from the store on first use. */
  ProjectionState state();

  /**
   * Committed-data queries over a read model declared on this engine.
   *
   * @throws IllegalArgumentException if the read model was not declared on this engine
   */
  <T> ReadModelView<T> readModel(ReadModel<T> readModel);

  /** The dead letters of this projection, oldest position first. */
  List<DeadLetter> deadLetters();
}
