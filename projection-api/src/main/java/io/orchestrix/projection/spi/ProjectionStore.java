package io.orchestrix.projection.spi;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionStateStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Durable projection state, read models and dead letters: what a store module implements.
 *
 * <p>Implementations are thread-safe. Every method that fails raises
 * {@link io.orchestrix.projection.StoreException} (transient for outages) or one of the typed
 * exceptions named below, and leaves the store as it was. Reads return only committed data, never part
 * of a commit. The contract test kit checks all of this.
 */
public interface ProjectionStore extends ProjectionStateStore, AutoCloseable {

  /** A description for messages and logs: the URI without its password, or a name. */
  String description();

  /**
   * Creates the storage and indexes of a read model if they do not exist yet. Idempotent and safe to
   * call from several threads or processes at once.
   */
  void prepareReadModel(ReadModelSchema schema);

  /**
   * Claims the projection for a new writer and returns its fencing token, greater than every token
   * returned before for this projection by any store instance on the same data. Creates the
   * projection's initial state if there is none. From now on, commits with an older token are
   * refused with {@link io.orchestrix.projection.WriterFencedException}.
   */
  long claimWriter(String projectionId);

  /**
   * Applies a commit atomically (see {@link Commit}).
   *
   * @throws io.orchestrix.projection.CheckpointConflictException if the stored checkpoint is not the
   *     expected one
   * @throws io.orchestrix.projection.WriterFencedException if the writer token is not current
   * @throws io.orchestrix.projection.InvalidDocumentException if a document cannot be stored
   */
  void commit(Commit commit);

  /**
   * Whether every commit is applied all or nothing. A store without multi-document transactions (for
   * example MongoDB on a standalone server) returns false: a commit cut short may have written some
   * documents without moving the checkpoint, so the engine then ignores writes to a document from
   * events at or below the document's stored {@link StoredDocument#position()}, whose effect it
   * already holds. Default true.
   */
  default boolean commitsAtomically() {
    return true;
  }

  /**
   * Checks, before any write, that this store can hold the document; the engine calls it when a handler
   * saves, so the failure is that event's. The default accepts everything.
   *
   * @throws io.orchestrix.projection.InvalidDocumentException naming the read model, id and reason
   */
  default void checkDocument(String readModel, StoredDocument document) {}

  /** The document with this id, if any. */
  Optional<StoredDocument> find(String readModel, String id);

  /** The documents with these ids that exist, by id, in one round trip where the store allows. */
  Map<String, StoredDocument> findAll(String readModel, Collection<String> ids);

  /** The documents whose index has exactly this value, in id order, using the store's index. */
  List<StoredDocument> findByIndex(String readModel, String index, String value);

  /** How many documents the read model holds. */
  long count(String readModel);

  /**
   * Up to {@code limit} documents with ids after {@code afterId} (from the first if null), ascending in
   * an order of the store's choosing that is the same for every call, so that paging visits each
   * document once.
   */
  List<StoredDocument> page(String readModel, @Nullable String afterId, int limit);

  /** The projection's dead letters, ascending by position. */
  List<DeadLetter> deadLetters(String projectionId);

  /** Releases connections and pools this store opened; idempotent. */
  @Override
  void close();
}
