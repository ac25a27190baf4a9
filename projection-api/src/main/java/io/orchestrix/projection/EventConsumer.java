package io.orchestrix.projection;

/**
 * A synchronous handler that needs only the event, the Java form of the seed's
 * {@code @engine.on(OrderCreated) def handler(event)}.
 *
 * <p>It runs on the thread that processes the batch, one event at a time, so it needs no locking of
 * its own for state that only handlers touch. Any exception it throws, checked or not, fails the event
 * (see {@link HandlerFailedException}).
 *
 * @param <E> the payload type it handles
 */
@FunctionalInterface
public interface EventConsumer<E> {

  /**
   * Applies one event.
   *
   * @param event the event's payload; not null
   * @throws Exception if the event cannot be applied; the engine's failure policy decides what
   *     follows
   */
  void accept(E event) throws Exception;
}
