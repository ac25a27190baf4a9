package io.orchestrix.projection.spi;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionStateStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Durable projection state, read models and dead letters: what a store module implements. Extend
 * {@link io.orchestrix.projection.spi.support.AbstractProjectionStore}, which enforces the rules below
 * that every store shares, so a store implements only its own reads and writes.
 *
 * <h2>Rules every store follows alike (the contract test kit checks each)</h2>
 * <ul>
 *   <li>Thread-safe. Reads return only committed data, never part of a commit.
 *   <li>Every method that fails raises {@link io.orchestrix.projection.StoreException} (its
 *       {@link io.orchestrix.projection.FailureKind} says whether it is an outage) or one of the typed
 *       exceptions named below, and leaves the store as it was.
 *   <li>A null argument raises {@link NullPointerException} naming it.
 *   <li>A read-model name is checked on every call ({@link io.orchestrix.projection.ProjectionIds}),
 *       and a read model must have been prepared by {@link #prepareReadModel} on this instance;
 *       otherwise {@link IllegalArgumentException} naming the read model.
 *   <li>{@link #findByIndex} on an index the read model did not declare raises
 *       {@link IllegalArgumentException} naming the index and the declared ones.
 *   <li>{@link #page} with a limit below 1 raises {@link IllegalArgumentException}.
 *   <li>Text is kept exactly or refused ({@link StorableText}); a lookup by an id or index value that
 *       no store could hold finds nothing.
 *   <li>After {@link #close()}, every method but {@code close} and {@code description} raises a
 *       {@link io.orchestrix.projection.FailureKind#FATAL} {@code StoreException} saying the store is
 *       closed.
 * </ul>
 */
public interface ProjectionStore extends ProjectionStateStore {

  /** A description for messages and logs: the URI without its password, or a name. */
  @Override
  String description();

  /**
   * Creates the storage and indexes of a read model if they do not exist yet. Idempotent and safe to
   * call from several threads or processes at once.
   *
   * @param schema the read model's name and declared indexes; not null
   */
  void prepareReadModel(ReadModelSchema schema);

  /**
   * Claims the projection for a new writer and returns its fencing token, greater than every token
   * returned before for this projection by any store instance on the same data. Creates the
   * projection's initial state if there is none. From now on, commits with an older token are
   * refused with {@link io.orchestrix.projection.WriterFencedException}.
   *
   * @param projectionId the projection's key (see {@link
   *     io.orchestrix.projection.ProjectionIds#requireValidKey}); not null
   * @return the new fencing token, to pass in every {@link Commit} of this writer
   */
  long claimWriter(String projectionId);

  /**
   * Applies a commit atomically (see {@link Commit}).
   *
   * @param commit the commit to apply; not null
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
   *
   * @return whether a commit is never applied in part
   */
  default boolean commitsAtomically() {
    return true;
  }

  /**
   * Checks that this store can hold a document, beyond what {@link StoredDocument} checks itself (a
   * size limit, field names the store cannot keep). The engine calls it when a handler saves, so the
   * failure is that event's; a store need not check the same again at commit. The default accepts
   * everything.
   *
   * @param readModel the read model the document is saved in; not null
   * @param document the document to check; not null
   * @throws io.orchestrix.projection.InvalidDocumentException naming the read model, id and reason
   */
  default void checkDocument(String readModel, StoredDocument document) {}

  /**
   * {@return the document with this id, if any}
   *
   * @param readModel the read model's name; not null
   * @param id the document's id; not null
   */
  Optional<StoredDocument> find(String readModel, String id);

  /**
   * {@return the documents with these ids that exist, by id, in one round trip where the store
   * allows}
   *
   * @param readModel the read model's name; not null
   * @param ids the ids to look up, duplicates ignored; neither it nor any id null
   */
  Map<String, StoredDocument> findAll(String readModel, Collection<String> ids);

  /**
   * {@return the documents whose index has exactly this value, in id order, using the store's
   * index}
   *
   * @param readModel the read model's name; not null
   * @param index an index the read model declared; not null
   * @param value the value to match exactly; not null
   */
  List<StoredDocument> findByIndex(String readModel, String index, String value);

  /**
   * {@return how many documents the read model holds}
   *
   * @param readModel the read model's name; not null
   */
  long count(String readModel);

  /**
   * Up to {@code limit} documents with ids after {@code afterId} (from the first if null), ascending in
   * an order of the store's choosing that is the same for every call, so that paging visits each
   * document once.
   *
   * @param readModel the read model's name; not null
   * @param afterId the id of the last document of the previous page, or null for the first page
   * @param limit the most documents to return, at least 1
   * @return the page, empty once every document was visited
   */
  List<StoredDocument> page(String readModel, @Nullable String afterId, int limit);

  /**
   * {@return the projection's dead letters, ascending by position}
   *
   * @param projectionId the projection's key; not null
   */
  List<DeadLetter> deadLetters(String projectionId);

  /**
   * Takes or renews a lease, atomically, judging expiry by the store's clock: {@code owner} gets
   * {@code resource} of {@code group} for {@code ttl} if nobody holds it, its holder's lease has
   * expired, or {@code owner} holds it already (a renewal, which keeps the {@link Lease#epoch()} if it
   * had not expired). Of several callers racing for a free lease, exactly one gets it. Names are
   * checked by {@link LeaseNames}.
   *
   * @param group the group the lease belongs to, such as a runner's name; not null
   * @param resource what the lease grants, such as a projection or partition; not null
   * @param owner who asks for it, such as a node's id; not null
   * @param ttl how long the lease lasts unless renewed, from {@link LeaseNames#MIN_TTL} to
   *     {@link LeaseNames#MAX_TTL}
   * @return the lease now held by {@code owner}, or empty if another owner holds it
   */
  Optional<Lease> acquireLease(String group, String resource, String owner, Duration ttl);

  /**
   * Gives a lease up at once if {@code owner} holds it, so that another owner may take it without
   * waiting for it to expire.
   *
   * @param group the group the lease belongs to; not null
   * @param resource what the lease grants; not null
   * @param owner who gives it up; not null
   * @return whether {@code owner} held it (expired or not) and it is now released
   */
  boolean releaseLease(String group, String resource, String owner);

  /**
   * Every lease of a group, expired ones included, by resource; each with the time it had left by the
   * store's clock when the store answered.
   *
   * @param group the group whose leases to list; not null
   * @return the group's leases, ordered by resource; empty if none
   */
  List<Lease> leases(String group);

  /** Releases connections and pools this store opened; idempotent. */
  @Override
  void close();
}
