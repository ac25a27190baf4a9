package io.orchestrix.projection;

/**
 * A synchronous handler that also gets the {@link HandlerContext}: the envelope and the read-model
 * repositories of the batch's unit of work.
 *
 * <p>It runs on the thread that processes the batch, one event at a time. Any exception it throws
 * fails the event (see {@link HandlerFailedException}) and rolls back what it wrote.
 *
 * @param <E> the payload type it handles
 */
@FunctionalInterface
public interface EventHandler<E> {

  /**
   * Applies one event.
   *
   * @param event the event's payload; not null
   * @param context the batch's context: the event's envelope and the read models; valid only during
   *     this call
   * @throws Exception if the event cannot be applied; the engine's failure policy decides what
   *     follows
   */
  void handle(E event, HandlerContext context) throws Exception;
}
