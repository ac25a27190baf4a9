package io.orchestrix.projection;

/**
 * A read model as a handler sees it: queries plus writes that commit with the batch.
 *
 * <p>Obtained from {@link HandlerContext#readModel}. Writes are buffered in the batch's unit of work
 * and committed atomically with the checkpoint; if the event fails, its writes are rolled back. A
 * document is serialised when it is saved, so changing a mutable object afterwards changes nothing
 * stored. Documents of deeply immutable types (records of strings, numbers, enums, {@code java.time}
 * values and such records) cannot change, so the engine keeps the object itself and serialises it
 * once, when the batch commits, however many events changed it; a failure to serialise or store it
 * is still reported at the event that saved it (the batch is then run again, serialising at each
 * save). Not thread-safe.
 *
 * @param <T> the document type
 */
public interface ReadModelRepository<T> extends ReadModelView<T> {

  /**
   * Inserts or replaces the document with the id given by the read model's id function.
   *
   * @param document the document; not null
   * @throws SerializationException if the document cannot be serialised; nothing is written
   * @throws IllegalArgumentException if its id is null or empty
   */
  void save(T document);

  /**
   * Deletes the document with this id; nothing happens if there is none.
   *
   * @param id the document's id; not null
   */
  void deleteById(String id);
}
