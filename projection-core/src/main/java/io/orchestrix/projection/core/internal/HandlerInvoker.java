package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.HandlerTimeoutException;
import io.orchestrix.projection.ProcessingInterruptedException;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs the handlers of one event in registration order, awaiting an asynchronous handler's stage (up
 * to the handler timeout) before the next. A handler's failure is returned as a value, never thrown:
 * it is the batch's to decide. Stateless apart from its configuration; thread-safe.
 */
final class HandlerInvoker {

  private final String projectionId;
  private final ReadModels readModels;
  private final ProjectionStore store;
  private final Duration handlerTimeout;
  private final EngineObservations observations;
  private final BooleanSupplier rebuilding;

  /** @param rebuilding whether a new generation is being built: side-effecting handlers wait */
  HandlerInvoker(String projectionId, ReadModels readModels, ProjectionStore store,
      Duration handlerTimeout, EngineObservations observations, BooleanSupplier rebuilding) {
    this.observations = observations;
    this.projectionId = projectionId;
    this.readModels = readModels;
    this.store = store;
    this.handlerTimeout = handlerTimeout;
    this.rebuilding = rebuilding;
  }

  /**
   * Runs every handler for the event's payload; returns the first failure, or null. The partition
   * ({@link io.orchestrix.projection.spi.Commit#UNPARTITIONED} if none) tags its observations.
   *
   * @throws ProcessingInterruptedException if the thread is interrupted while awaiting a handler
   */
  @Nullable HandlerFailedException dispatch(HandlerRegistry.Snapshot handlers, EventEnvelope<?> event,
      UnitOfWork unitOfWork, int partition) {
    Object payload = event.payload();
    RegisteredHandler[] forType = handlers.handlersFor(payload.getClass());
    if (forType.length == 0) {
      return null;
    }
    boolean building = rebuilding.getAsBoolean();
    BatchContext context = new BatchContext(projectionId, event, unitOfWork, readModels, store,
        building);
    try {
      for (RegisteredHandler handler : forType) {
        if (building && handler.sideEffecting()) {
          continue;
        }
        HandlerFailedException failed = observations.enabled()
            ? observations.handler(event, handler.name(), partition,
                () -> invoke(handler, payload, event, context))
            : invoke(handler, payload, event, context);
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
    } catch (Error e) {
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
      stage.toCompletableFuture().get(handlerTimeout.toNanos(), TimeUnit.NANOSECONDS);
      return null;
    } catch (ExecutionException e) {
      return failed(handler, event, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      return new HandlerTimeoutException(projectionId, event.eventId(), event.position(),
          handler.name(), handlerTimeout);
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
}
