package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.AsyncEventHandler;
import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.DeadLetterRetryResult;
import io.orchestrix.projection.ErrorPolicy;
import io.orchestrix.projection.EventConsumer;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventHandler;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.HandlerTimeoutException;
import io.orchestrix.projection.InvalidEventException;
import io.orchestrix.projection.PositionGapException;
import io.orchestrix.projection.ProcessingInterruptedException;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStoppedException;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link ProjectionEngine}: see that interface for the contract. Processing is
 * serialised by one lock; registration and queries are lock-free.
 */
public final class DefaultProjectionEngine implements ProjectionEngine {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultProjectionEngine.class);

  private final EngineConfig config;
  private final String projectionId;
  private final ProjectionStore store;
  private final ReadModels readModels;
  private final HandlerRegistry registry = new HandlerRegistry();
  private final AtomicInteger lambdaCount = new AtomicInteger();
  private final EngineMetrics metrics;
  private final DocumentCache cache;
  private final ReentrantLock lock = new ReentrantLock();

  /** The state as committed by this writer; null until claimed, and after any failed commit. */
  private @Nullable ProjectionState state;
  private long writerToken;
  private volatile @Nullable ProjectionState published;
  /** Streams with an outstanding dead letter: their later events are parked behind it. */
  private final Set<String> blockedStreams = new HashSet<>();
  /** The failure the projection is stopped at, while this writer remembers it. */
  private @Nullable HandlerFailedException lastFailure;
  private final EnvelopeJson envelopeJson;
  /** Commits queued by submit run here, one at a time, in order; created on first use. */
  private java.util.concurrent.@Nullable ExecutorService committer;
  /** The last queued commit and the one before it; never completed exceptionally. */
  private CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> previousCommit = lastCommit;
  /** The batch whose commit may still be in flight: the next batch reads its writes. */
  private @Nullable UnitOfWork inFlight;
  /** Set by the committer when a queued commit fails; read and cleared under the lock. */
  private volatile boolean commitFailed;

  public DefaultProjectionEngine(EngineConfig config) {
    this.config = config;
    this.projectionId = config.projectionId();
    this.store = config.store();
    this.readModels = new ReadModels(config.readModels(), config.codec());
    this.metrics = new EngineMetrics(config.meterRegistry(), projectionId);
    this.cache = new DocumentCache(config.cacheSize());
    this.envelopeJson = new EnvelopeJson(config.eventTypes());
    for (ReadModel<?> readModel : readModels.all()) {
      store.prepareReadModel(ReadModels.schemaOf(readModel));
    }
  }

  @Override
  public String projectionId() {
    return projectionId;
  }

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
    String name = "on(" + eventType.getSimpleName() + ")#" + lambdaCount.incrementAndGet();
    registry.add(List.of(new RegisteredHandler(name, eventType, invoker)));
    return this;
  }

  @Override
  public ProjectionEngine register(Object projection) {
    Objects.requireNonNull(projection, "projection must not be null");
    registry.add(AnnotatedHandlers.scan(projection));
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

  @Override
  public BatchResult processEvents(List<? extends EventEnvelope<?>> events) {
    validate(events);
    lock.lock();
    try {
      return runBatch(events, 0, events.size());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletionStage<BatchResult> processEventsAsync(
      List<? extends EventEnvelope<?>> events, Executor executor) {
    Objects.requireNonNull(executor, "executor must not be null");
    List<? extends EventEnvelope<?>> copy = validate(events);
    return CompletableFuture.supplyAsync(() -> processEvents(copy), executor);
  }

  @Override
  public BatchResult replay(Iterable<? extends EventEnvelope<?>> events) {
    Objects.requireNonNull(events, "events must not be null");
    lock.lock();
    try {
      resetLocked();
      BatchResult total = new BatchResult(0, 0, 0, 0);
      List<CompletionStage<BatchResult>> stages = new ArrayList<>();
      List<EventEnvelope<?>> chunk = new ArrayList<>(config.batchSize());
      long lastPosition = 0;
      String lastEventId = null;
      Iterator<? extends EventEnvelope<?>> iterator = events.iterator();
      while (iterator.hasNext()) {
        EventEnvelope<?> event = iterator.next();
        if (event == null) {
          throw new InvalidEventException("projection '" + projectionId
              + "': replay met a null event after position " + lastPosition, projectionId, null,
              lastPosition);
        }
        if (event.position() <= lastPosition) {
          throw backwards(lastEventId, lastPosition, event);
        }
        lastPosition = event.position();
        lastEventId = event.eventId();
        chunk.add(event);
        if (chunk.size() == config.batchSize()) {
          stages.add(submitForReplay(chunk, stages));
          chunk = new ArrayList<>(config.batchSize());
        }
      }
      if (!chunk.isEmpty()) {
        stages.add(submitForReplay(chunk, stages));
      }
      for (CompletionStage<BatchResult> stage : stages) {
        total = total.plus(join(stage));
      }
      drain();
      return new BatchResult(total.applied(), total.skipped(), total.deadLettered(),
          currentState().lastProcessedPosition());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Submits a chunk of a replay. A chunk refused at once (the projection stopped at a failed event,
   * a failed commit) is the consequence of an earlier chunk's failure, which is what replay reports.
   */
  private CompletionStage<BatchResult> submitForReplay(
      List<EventEnvelope<?>> chunk, List<CompletionStage<BatchResult>> earlier) {
    try {
      return submit(chunk);
    } catch (ProjectionException consequence) {
      earlier.forEach(DefaultProjectionEngine::join);
      throw consequence;
    }
  }

  /** The result of a queued batch, rethrowing its failure as processEvents would. */
  private static BatchResult join(CompletionStage<BatchResult> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public void reset() {
    lock.lock();
    try {
      resetLocked();
    } finally {
      lock.unlock();
    }
  }

  private void resetLocked() {
    drain();
    ProjectionState current = claimed();
    ProjectionState fresh = ProjectionState.initial(projectionId, config.clock().instant());
    Set<String> names = new LinkedHashSet<>();
    readModels.all().forEach(readModel -> names.add(readModel.name()));
    Commit commit = Commit.reset(writerToken, current.lastProcessedPosition(), fresh, names);
    commitOrForget(commit);
    cache.clear();
    names.forEach(cache::markComplete);
    blockedStreams.clear();
    lastFailure = null;
    accept(fresh);
  }

  @Override
  public boolean isHealthy() {
    return state().healthy();
  }

  @Override
  public ProjectionState state() {
    ProjectionState current = published;
    if (current != null) {
      return current;
    }
    return store.loadState(projectionId)
        .orElseGet(() -> ProjectionState.initial(projectionId, config.clock().instant()));
  }

  @Override
  public <T> ReadModelView<T> readModel(ReadModel<T> readModel) {
    Objects.requireNonNull(readModel, "readModel must not be null");
    return new CommittedView<>(readModels.require(readModel, projectionId), store, readModels);
  }

  @Override
  public List<DeadLetter> deadLetters() {
    return store.deadLetters(projectionId);
  }

  @Override
  public String toString() {
    return "ProjectionEngine[" + projectionId + " on " + store.description() + "]";
  }

  // ---------------------------------------------------------------------------------------------

  private List<? extends EventEnvelope<?>> validate(List<? extends EventEnvelope<?>> events) {
    if (events == null) {
      throw new InvalidEventException(
          "projection '" + projectionId + "' was given a null batch", projectionId, null, 0);
    }
    EventEnvelope<?> previous = null;
    int index = 0;
    for (EventEnvelope<?> event : events) {
      if (event == null) {
        throw new InvalidEventException("projection '" + projectionId + "': event " + index
            + " of the batch is null; nothing was applied", projectionId, null, 0);
      }
      if (previous != null && event.position() <= previous.position()) {
        throw backwards(previous.eventId(), previous.position(), event);
      }
      if (previous != null && config.contiguousPositions()
          && event.position() != previous.position() + 1) {
        throw new InvalidEventException("projection '" + projectionId + "' requires contiguous"
            + " positions, but event " + event.eventId() + " at position " + event.position()
            + " follows position " + previous.position() + "; nothing of the batch was applied",
            projectionId, event.eventId(), event.position());
      }
      previous = event;
      index++;
    }
    return events;
  }

  private InvalidEventException backwards(
      @Nullable String previousId, long previousPosition, EventEnvelope<?> event) {
    return new InvalidEventException("projection '" + projectionId + "': positions must strictly"
        + " increase, but event " + event.eventId() + " at position " + event.position()
        + " follows event " + previousId + " at position " + previousPosition
        + "; nothing of the batch was applied", projectionId, event.eventId(), event.position());
  }

  /** The state of this writer, claiming the projection first if needed. */
  private ProjectionState claimed() {
    ProjectionState current = state;
    if (current == null) {
      drainQuietly();
      commitFailed = false;
      writerToken = store.claimWriter(projectionId);
      current = store.loadState(projectionId)
          .orElseGet(() -> ProjectionState.initial(projectionId, config.clock().instant()));
      cache.clear();
      for (ReadModel<?> readModel : readModels.all()) {
        if (store.count(readModel.name()) == 0) {
          cache.markComplete(readModel.name());
        }
      }
      blockedStreams.clear();
      store.deadLetters(projectionId).forEach(letter -> blockedStreams.add(letter.streamId()));
      accept(current);
    }
    return current;
  }

  private ProjectionState currentState() {
    return Objects.requireNonNull(state, "state");
  }

  private void accept(ProjectionState newState) {
    state = newState;
    published = newState;
    metrics.state(newState.lastProcessedPosition(), newState.healthy());
  }

  /** A batch whose handlers have run, ready to commit; {@code commit} is null if nothing is new. */
  private record Prepared(
      @Nullable Commit commit,
      @Nullable UnitOfWork unitOfWork,
      ProjectionState after,
      BatchResult result,
      @Nullable HandlerFailedException failure,
      List<DeadLetter> deadLetters,
      long handlerNanos,
      long started) {}

  /** Runs a batch and commits it on the calling thread. */
  private BatchResult runBatch(List<? extends EventEnvelope<?>> events, int from, int to) {
    drain();
    Prepared prepared = prepare(events, from, to);
    if (prepared.commit() == null) {
      metrics.batch(0, prepared.result().skipped(), 0, 0, 0, 0);
      return prepared.result();
    }
    long commitStarted = System.nanoTime();
    commitOrForget(prepared.commit());
    advance(prepared);
    published = prepared.after();
    recordCommitted(prepared, commitStarted);
    if (prepared.failure() != null) {
      throw prepared.failure();
    }
    return prepared.result();
  }

  private Prepared prepare(List<? extends EventEnvelope<?>> events, int from, int to) {
    try {
      return prepare(events, from, to, true);
    } catch (UnitOfWork.DeferredEncodingFailed deferred) {
      // a document saved without being serialised at once cannot be stored: run the batch again,
      // serialising at each save, so the failure is the event's that caused it
      return prepare(events, from, to, false);
    }
  }

  private Prepared prepare(
      List<? extends EventEnvelope<?>> events, int from, int to, boolean deferEncoding) {
    ProjectionState before = claimed();
    long checkpoint = before.lastProcessedPosition();
    int start = from;
    while (start < to && events.get(start).position() <= checkpoint) {
      start++;
    }
    int skipped = start - from;
    if (start == to) {
      return new Prepared(null, null, before, new BatchResult(0, skipped, 0, checkpoint), null,
          List.of(), 0, 0);
    }
    EventEnvelope<?> first = events.get(start);
    if (config.contiguousPositions() && first.position() != checkpoint + 1) {
      throw new PositionGapException(projectionId, checkpoint + 1, first.eventId(), first.position());
    }
    if (!before.healthy() && first.position() > before.failedPosition()) {
      throw new ProjectionStoppedException(projectionId, before.failedPosition(), first.eventId(),
          first.position(), String.valueOf(before.lastError()));
    }

    long started = System.nanoTime();
    UnitOfWork unitOfWork = new UnitOfWork(store, cache, readModels, !store.commitsAtomically(),
        deferEncoding, inFlight);
    HandlerRegistry.Snapshot handlers = registry.snapshot();
    int applied = 0;
    int deadLettered = 0;
    String lastEventId = before.lastProcessedEventId();
    long lastPosition = checkpoint;
    long errors = before.errorCount();
    String lastError = before.lastError();
    HandlerFailedException failure = null;
    List<DeadLetter> deadLetters = new ArrayList<>(0);
    Set<String> blocked = blockedStreams.isEmpty() ? Set.of() : new HashSet<>(blockedStreams);
    try {
      prefetch(unitOfWork, events, start, to);
      for (int i = start; i < to; i++) {
        EventEnvelope<?> event = events.get(i);
        if (!blocked.isEmpty() && blocked.contains(event.streamId())) {
          deadLetters.add(parked(event, now()));
          deadLettered++;
          lastEventId = event.eventId();
          lastPosition = event.position();
          continue;
        }
        unitOfWork.beginEvent(event.position());
        HandlerFailedException failed = dispatch(handlers, event, unitOfWork);
        if (failed != null) {
          unitOfWork.rollbackEvent();
          metrics.error();
          errors++;
          lastError = failed.getMessage();
          if (config.errorPolicy() == ErrorPolicy.DEAD_LETTER) {
            LOG.warn("projection '{}' dead-lettered event {} at position {}: {}", projectionId,
                event.eventId(), event.position(), failed.getMessage(), failed.getCause());
            deadLetters.add(deadLetter(event, failed));
            deadLettered++;
            if (blocked.isEmpty()) {
              blocked = new HashSet<>();
            }
            blocked.add(event.streamId());
          } else {
            failure = failed;
            break;
          }
        } else {
          applied++;
        }
        lastEventId = event.eventId();
        lastPosition = event.position();
      }
      deadLetters.forEach(unitOfWork::addDeadLetter);
      Instant now = config.clock().instant();
      ProjectionState after = failure == null
          ? new ProjectionState(projectionId, lastEventId, lastPosition, errors, true, lastError, 0,
              now)
          : new ProjectionState(projectionId, lastEventId, lastPosition, errors, false, lastError,
              failure.position(), now);
      Commit commit = Commit.batch(writerToken, checkpoint, after, unitOfWork.changes(),
          unitOfWork.deadLetters());
      return new Prepared(commit, unitOfWork, after,
          new BatchResult(applied, skipped, deadLettered, lastPosition), failure, deadLetters,
          System.nanoTime() - started, started);
    } catch (UnitOfWork.DeferredEncodingFailed deferred) {
      throw deferred;
    } catch (RuntimeException | Error e) {
      drainQuietly();
      forget();
      throw e;
    }
  }

  /** The writer's view moves past a prepared batch (committed, or queued to commit). */
  private void advance(Prepared prepared) {
    Objects.requireNonNull(prepared.unitOfWork()).publishToCache();
    prepared.deadLetters().forEach(letter -> blockedStreams.add(letter.streamId()));
    lastFailure = prepared.failure();
    state = prepared.after();
  }

  private void recordCommitted(Prepared prepared, long commitStarted) {
    long finished = System.nanoTime();
    BatchResult result = prepared.result();
    metrics.state(prepared.after().lastProcessedPosition(), prepared.after().healthy());
    metrics.batch(result.applied(), result.skipped(), result.deadLettered(),
        prepared.handlerNanos(), finished - commitStarted, finished - prepared.started());
  }

  @Override
  public CompletionStage<BatchResult> submit(List<? extends EventEnvelope<?>> events) {
    validate(events);
    lock.lock();
    try {
      awaitCommitBeforeLast();
      Prepared prepared = prepare(events, 0, events.size());
      if (prepared.commit() == null) {
        metrics.batch(0, prepared.result().skipped(), 0, 0, 0, 0);
        return CompletableFuture.completedFuture(prepared.result());
      }
      advance(prepared);
      inFlight = prepared.unitOfWork();
      CompletableFuture<BatchResult> stage = new CompletableFuture<>();
      previousCommit = lastCommit;
      lastCommit = lastCommit.thenRunAsync(() -> commitQueued(prepared, stage), committer());
      return stage;
    } finally {
      lock.unlock();
    }
  }

  /** On the committer thread: commits a queued batch unless an earlier one failed. */
  private void commitQueued(Prepared prepared, CompletableFuture<BatchResult> stage) {
    if (commitFailed) {
      stage.completeExceptionally(StoreException.outage("projection '" + projectionId
          + "': the batch up to position " + prepared.after().lastProcessedPosition()
          + " was not committed because an earlier batch's commit failed", projectionId,
          null));
      return;
    }
    long commitStarted = System.nanoTime();
    try {
      store.commit(Objects.requireNonNull(prepared.commit()));
    } catch (RuntimeException e) {
      commitFailed = true;
      if (e instanceof ProjectionConflictException) {
        metrics.conflict();
      }
      stage.completeExceptionally(e instanceof ProjectionException ? e : StoreException.outage(
          "projection '" + projectionId + "': the commit to " + store.description()
              + " failed; nothing of the batch was committed: " + e, projectionId, e));
      return;
    }
    published = prepared.after();
    recordCommitted(prepared, commitStarted);
    if (prepared.failure() != null) {
      stage.completeExceptionally(prepared.failure());
    } else {
      stage.complete(prepared.result());
    }
  }

  private synchronized java.util.concurrent.ExecutorService committer() {
    if (committer == null) {
      // one thread at most, gone after a few idle seconds: commits are chained, so order holds
      committer = new java.util.concurrent.ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
          new java.util.concurrent.LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "projection-commit-" + projectionId);
            thread.setDaemon(true);
            return thread;
          });
    }
    return committer;
  }

  /**
   * Bounds the pipeline to one commit in flight while a batch is prepared; if a queued commit failed,
   * waits for the queue to empty and forgets the writer's view, so that it is reloaded.
   */
  private void awaitCommitBeforeLast() {
    previousCommit.join();
    if (commitFailed) {
      drain();
    }
  }

  /**
   * Waits until no commit is queued. If one of them failed, the batches queued after it were not
   * committed either: the writer's view is forgotten and this call fails once, naming the checkpoint
   * to resume from, so that a caller cannot go on past the lost batches without knowing.
   */
  private void drain() {
    drainQuietly();
    if (commitFailed) {
      commitFailed = false;
      forget();
      long checkpoint = store.loadState(projectionId)
          .map(ProjectionState::lastProcessedPosition).orElse(0L);
      throw StoreException.outage("projection '" + projectionId + "': a queued commit failed, so the"
          + " batches submitted after it were not committed; resume with the events after position "
          + checkpoint, projectionId, null);
    }
  }

  private void drainQuietly() {
    lastCommit.join();
    previousCommit = lastCommit;
    inFlight = null;
  }

  private void prefetch(UnitOfWork unitOfWork, List<? extends EventEnvelope<?>> events, int from,
      int to) {
    for (Map.Entry<ReadModel<?>, Function<EventEnvelope<?>, @Nullable String>> entry
        : config.prefetch().entrySet()) {
      Set<String> ids = new LinkedHashSet<>();
      for (int i = from; i < to; i++) {
        String id = entry.getValue().apply(events.get(i));
        if (id != null && !id.isEmpty()) {
          ids.add(id);
        }
      }
      unitOfWork.prefetch(entry.getKey().name(), ids);
    }
  }

  private void commitOrForget(Commit commit) {
    try {
      store.commit(commit);
    } catch (ProjectionConflictException e) {
      metrics.conflict();
      forget();
      throw e;
    } catch (ProjectionException e) {
      forget();
      throw e;
    } catch (RuntimeException e) {
      forget();
      throw StoreException.outage("projection '" + projectionId + "': the commit to "
          + store.description() + " failed; nothing of the batch was committed: " + e, projectionId, e);
    }
  }

  /** Drops everything this writer believed, so the next call reloads from the store. */
  private void forget() {
    state = null;
    published = null;
    inFlight = null;
    cache.clear();
  }

  /** Runs every handler for one event; returns the failure, or null. */
  private @Nullable HandlerFailedException dispatch(
      HandlerRegistry.Snapshot handlers, EventEnvelope<?> event, UnitOfWork unitOfWork) {
    Object payload = event.payload();
    RegisteredHandler[] forType = handlers.handlersFor(payload.getClass());
    if (forType.length == 0) {
      return null;
    }
    BatchContext context = new BatchContext(projectionId, event, unitOfWork, readModels, store);
    try {
      for (RegisteredHandler handler : forType) {
        HandlerFailedException failed = invoke(handler, payload, event, context);
        if (failed != null) {
          return failed;
        }
      }
      return null;
    } finally {
      context.close();
    }
  }

  private @Nullable HandlerFailedException invoke(
      RegisteredHandler handler, Object payload, EventEnvelope<?> event, BatchContext context) {
    CompletionStage<?> stage;
    try {
      stage = handler.invoker().invoke(payload, context);
    } catch (Error | UnitOfWork.DeferredEncodingFailed e) {
      throw e;
    } catch (Throwable e) {
      return failed(handler, event, e);
    }
    if (stage == null) {
      return null;
    }
    if (stage == RegisteredHandler.NULL_STAGE) {
      return failed(handler, event,
          new NullPointerException("the async handler returned null instead of a CompletionStage"));
    }
    try {
      stage.toCompletableFuture().get(config.handlerTimeout().toNanos(), TimeUnit.NANOSECONDS);
      return null;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnitOfWork.DeferredEncodingFailed deferred) {
        throw deferred;
      }
      return failed(handler, event, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      return new HandlerTimeoutException(projectionId, event.eventId(), event.position(),
          handler.name(), config.handlerTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessingInterruptedException(projectionId, event.eventId(), event.position(), e);
    }
  }

  private HandlerFailedException failed(
      RegisteredHandler handler, EventEnvelope<?> event, Throwable cause) {
    return new HandlerFailedException(
        projectionId, event.eventId(), event.position(), handler.name(), cause);
  }

  private DeadLetter deadLetter(EventEnvelope<?> event, HandlerFailedException failed) {
    Throwable cause = failed.getCause() == null ? failed : failed.getCause();
    Instant now = now();
    return new DeadLetter(projectionId, event.position(), event.eventId(), event.streamId(),
        event.payload().getClass().getName(), envelopeJson.write(event), failed.handler(),
        cause.getClass().getName(), String.valueOf(cause.getMessage()), stackTrace(cause), 1, now,
        now);
  }

  private DeadLetter parked(EventEnvelope<?> event, Instant now) {
    return new DeadLetter(projectionId, event.position(), event.eventId(), event.streamId(),
        event.payload().getClass().getName(), envelopeJson.write(event), "", DeadLetter.PARKED,
        "waiting behind an earlier dead letter of stream " + event.streamId(), "", 0, now, now);
  }

  private static String stackTrace(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  private Instant now() {
    return config.clock().instant();
  }

  // ---------------------------------------------------------------------------------------------
  // operations: reset to a position, dead letters

  @Override
  public void resetTo(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative but was " + position);
    }
    lock.lock();
    try {
      drain();
      ProjectionState current = claimed();
      ProjectionState moved = new ProjectionState(projectionId, null, position,
          current.errorCount(), true, current.lastError(), 0, now());
      commitOrForget(Commit.moveCheckpoint(writerToken, current.lastProcessedPosition(), moved));
      cache.clear();
      lastFailure = null;
      accept(moved);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void deadLetterFailedEvent(EventEnvelope<?> failedEvent, int attempts) {
    Objects.requireNonNull(failedEvent, "failedEvent must not be null");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1 but was " + attempts);
    }
    lock.lock();
    try {
      drain();
      ProjectionState current = claimed();
      if (current.healthy() || current.failedPosition() != failedEvent.position()) {
        throw new IllegalStateException("projection '" + projectionId + "' is not stopped at"
            + " position " + failedEvent.position() + " (" + (current.healthy() ? "it is healthy"
            : "it is stopped at " + current.failedPosition()) + "); nothing was dead-lettered");
      }
      HandlerFailedException failure = lastFailure != null
          && lastFailure.position() == failedEvent.position()
          ? lastFailure
          : new HandlerFailedException(projectionId, failedEvent.eventId(),
              failedEvent.position(), "unknown (failed before this writer started)",
              new IllegalStateException(String.valueOf(current.lastError())));
      DeadLetter first = deadLetter(failedEvent, failure);
      DeadLetter letter = new DeadLetter(first.projectionId(), first.position(), first.eventId(),
          first.streamId(), first.eventType(), first.envelopeJson(), first.handler(),
          first.errorType(), first.errorMessage(), first.stackTrace(), attempts,
          first.firstFailureAt(), first.lastFailureAt());
      ProjectionState after = new ProjectionState(projectionId, failedEvent.eventId(),
          failedEvent.position(), current.errorCount(), true, current.lastError(), 0, now());
      commitOrForget(Commit.batch(writerToken, current.lastProcessedPosition(), after, List.of(),
          List.of(letter)));
      blockedStreams.add(failedEvent.streamId());
      lastFailure = null;
      accept(after);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public DeadLetterRetryResult retryDeadLetters(Predicate<? super DeadLetter> selection) {
    Objects.requireNonNull(selection, "selection must not be null");
    lock.lock();
    try {
      drain();
      claimed();
      return retry(store.deadLetters(projectionId), selection, List.of());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int discardDeadLetters(Predicate<? super DeadLetter> selection) {
    Objects.requireNonNull(selection, "selection must not be null");
    lock.lock();
    try {
      drain();
      claimed();
      List<DeadLetter> all = store.deadLetters(projectionId);
      List<DeadLetter> discarded = all.stream().<DeadLetter>map(letter -> letter)
          .filter(selection::test).toList();
      if (discarded.isEmpty()) {
        return 0;
      }
      List<DeadLetter> remaining = new ArrayList<>(all);
      remaining.removeAll(discarded);
      // what was parked behind a discarded letter may now go on; it is applied in the same commit
      retry(remaining, letter -> false, discarded);
      return discarded.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies dead letters stream by stream, in position order: a selected letter, or a parked one whose
   * stream has nothing failing ahead of it, is run through the handlers; the first failure of a stream
   * stops that stream. Everything, including the removal of {@code discarded}, commits at once.
   */
  private DeadLetterRetryResult retry(List<DeadLetter> letters,
      Predicate<? super DeadLetter> selection, List<DeadLetter> discarded) {
    ProjectionState current = claimed();
    Map<String, List<DeadLetter>> byStream = new LinkedHashMap<>();
    letters.stream().sorted(java.util.Comparator.comparingLong(DeadLetter::position))
        .forEach(letter -> byStream.computeIfAbsent(letter.streamId(), s -> new ArrayList<>())
            .add(letter));
    UnitOfWork unitOfWork = new UnitOfWork(store, cache, readModels, false, false, null);
    HandlerRegistry.Snapshot handlers = registry.snapshot();
    List<Long> removed = new ArrayList<>();
    discarded.forEach(letter -> removed.add(letter.position()));
    List<DeadLetter> updated = new ArrayList<>();
    int applied = 0;
    int stillFailing = 0;
    Instant now = now();
    for (List<DeadLetter> stream : byStream.values()) {
      for (DeadLetter letter : stream) {
        boolean go = selection.test(letter) || letter.isParked();
        if (!go) {
          break;
        }
        EventEnvelope<Object> event = envelopeJson.read(letter.envelopeJson());
        unitOfWork.beginEvent(current.lastProcessedPosition());
        HandlerFailedException failed = dispatch(handlers, event, unitOfWork);
        if (failed == null) {
          removed.add(letter.position());
          applied++;
          continue;
        }
        unitOfWork.rollbackEvent();
        metrics.error();
        Throwable cause = failed.getCause() == null ? failed : failed.getCause();
        updated.add(letter.failedAgain(failed.handler(), cause.getClass().getName(),
            String.valueOf(cause.getMessage()), stackTrace(cause), now));
        stillFailing++;
        break;
      }
    }
    if (removed.isEmpty() && updated.isEmpty()) {
      return new DeadLetterRetryResult(0, 0);
    }
    ProjectionState after = new ProjectionState(projectionId, current.lastProcessedEventId(),
        current.lastProcessedPosition(), current.errorCount() + stillFailing, current.healthy(),
        stillFailing > 0 ? updated.get(updated.size() - 1).errorMessage() : current.lastError(),
        current.failedPosition(), now);
    commitOrForget(Commit.deadLetterUpdate(writerToken, after, unitOfWork.changes(), updated,
        removed));
    unitOfWork.publishToCache();
    blockedStreams.clear();
    store.deadLetters(projectionId).forEach(letter -> blockedStreams.add(letter.streamId()));
    accept(after);
    return new DeadLetterRetryResult(applied, stillFailing);
  }
}
