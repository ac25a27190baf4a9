package io.orchestrix.projection;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Queries over one read model, the seed's {@code read_model_db.get_by_id / query_by_status}.
 *
 * <p>Outside a handler a view reads what is committed; inside a handler (through
 * {@link HandlerContext#readModel}) it also sees the batch's own earlier writes. Implementations are
 * thread-safe outside handlers. Reads never return a partially written batch.
 *
 * @param <T> the document type
 */
public interface ReadModelView<T> {

  /** {@return the declaration this view reads} */
  ReadModel<T> definition();

  /**
   * The document with this id.
   *
   * @param id the document's id; not null
   * @return the document, or empty if there is none (or the id is one no store could hold)
   * @throws SerializationException if the stored document cannot be read as {@code T}
   * @throws StoreException if the store cannot be read
   */
  Optional<T> findById(String id);

  /**
   * The documents whose indexed field has this value, in id order, through the store's index.
   *
   * @param index a declared index's name; not null
   * @param value the value to match exactly; not null
   * @return the matching documents; empty if none
   * @throws IllegalArgumentException if no such index was declared
   */
  List<T> findBy(String index, String value);

  /** {@return how many documents there are} */
  long count();

  /**
   * Every document, in the store's id order, loaded lazily page by page so memory stays bounded.
   * The stream holds no open resource; it need not be closed.
   *
   * @return every document of the read model, in id order
   */
  Stream<T> streamAll();
}
