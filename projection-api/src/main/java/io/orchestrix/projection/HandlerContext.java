package io.orchestrix.projection;

/**
 * What a handler may use while it applies one event: the envelope and the read models of the batch.
 *
 * <p>Reads through {@link #readModel} see the committed read model plus every change made earlier in
 * the same batch; writes become visible to others only when the batch commits, together with the new
 * checkpoint. Valid only during the handler call (or until an async handler's stage completes). Not
 * thread-safe: use it from one thread at a time.
 */
public interface HandlerContext {

  /** {@return the id of the projection applying the event} */
  String projectionId();

  /** {@return the envelope of the event being applied} */
  EventEnvelope<?> envelope();

  /**
   * The repository of a read model declared on the engine, bound to this batch.
   *
   * @param <T> the document type
   * @param readModel a read model declared on the engine; not null
   * @return the repository, which sees this batch's earlier writes
   * @throws IllegalArgumentException if the read model was not declared when the engine was built
   * @throws IllegalStateException if the handler call is over
   */
  <T> ReadModelRepository<T> readModel(ReadModel<T> readModel);

  /**
   * Whether this call builds a new generation of the projection beside the live one (a rebuild
   * without downtime): the events are old ones being applied again, so effects outside the read models
   * (mail, calls to other systems) should not happen. Handlers registered as side-effecting
   * ({@link SideEffecting}, {@link ProjectionEngine#onSideEffect}) are not called at all then.
   *
   * @return whether the events are being applied to a new generation; false by default
   */
  default boolean isRebuilding() {
    return false;
  }
}
