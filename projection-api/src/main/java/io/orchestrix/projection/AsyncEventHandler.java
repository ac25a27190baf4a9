package io.orchestrix.projection;

import java.util.concurrent.CompletionStage;

/**
 * An asynchronous handler: it returns a {@link CompletionStage} that completes when the event has been
 * applied. The engine waits for it (up to the configured handler timeout) before it runs the next
 * handler, so order is kept exactly as for synchronous handlers.
 *
 * <p>The handler may complete on any thread. It must not use the {@link HandlerContext} after its stage
 * has completed; once the engine has given up on it (failure or timeout) the context refuses writes
 * with {@link IllegalStateException}. A stage that completes exceptionally, a null stage or a timeout
 * fails the event (see {@link HandlerFailedException}).
 *
 * @param <E> the payload type it handles
 */
@FunctionalInterface
public interface AsyncEventHandler<E> {

  /**
   * Starts applying one event.
   *
   * @param event the event's payload; not null
   * @param context the batch's context: the event's envelope and the read models; valid only until
   *     the stage completes
   * @return a stage that completes when the event is applied, or exceptionally if it failed
   * @throws Exception if the handler fails at once; treated like an exceptionally completed stage
   */
  CompletionStage<?> handle(E event, HandlerContext context) throws Exception;
}
