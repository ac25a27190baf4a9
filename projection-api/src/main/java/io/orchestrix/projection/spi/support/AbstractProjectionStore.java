package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.LeaseNames;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StorableText;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The base of a store: it enforces every rule of {@link ProjectionStore} that stores share (null and
 * name checks, prepared read models, declared indexes, page limits, text no store can hold, the closed
 * state) and turns a driver's exceptions into {@link StoreException} through the one
 * {@link #translate} hook, so a store implements only its own reads and writes, in the
 * {@code do...} methods, and every store behaves alike where the contract says so.
 *
 * <p>The {@code do...} methods are called only with checked, non-null arguments (unless a parameter
 * says otherwise) on an open store whose {@link #doStart} has returned; a {@link ProjectionException}
 * or {@link IllegalArgumentException} they raise passes unchanged, any other
 * {@link RuntimeException} goes through {@link #translate}. Thread-safe if the subclass's methods
 * are: this class's own state (prepared read models, started, closed) is.
 */
public abstract class AbstractProjectionStore implements ProjectionStore {

  private final String description;
  private final PreparedReadModels readModels;
  private final StoreLifecycle lifecycle;

  /**
   * Creates an open store that has not started: no I/O happens until its first operation.
   *
   * @param description the store's description for messages: its URI without the password
   * @throws NullPointerException if description is null
   */
  protected AbstractProjectionStore(String description) {
    this.description = Objects.requireNonNull(description, "description must not be null");
    this.readModels = new PreparedReadModels(description);
    this.lifecycle = new StoreLifecycle(description);
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final void prepareReadModel(ReadModelSchema schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    run("preparing read model '" + schema.name() + "'", null, () -> doPrepareReadModel(schema));
    readModels.add(schema);
  }

  @Override
  public final long claimWriter(String projectionId) {
    StoreArguments.requireProjectionId(projectionId);
    return call("claiming projection '" + projectionId + "'", projectionId,
        () -> doClaimWriter(projectionId));
  }

  @Override
  public final void commit(Commit commit) {
    Objects.requireNonNull(commit, "commit must not be null");
    commit.changes().forEach(changes -> schema(changes.readModel()));
    commit.clearedReadModels().forEach(this::schema);
    StoreArguments.requireStorableDocuments(commit);
    run("committing projection '" + commit.projectionId() + "'", commit.projectionId(),
        () -> doCommit(commit));
  }

  /**
   * Checks the document's text ({@link StorableText}), then whatever this store adds
   * ({@link #doCheckDocument}). Needs no started or open store.
   */
  @Override
  public final void checkDocument(String readModel, StoredDocument document) {
    Objects.requireNonNull(document, "document must not be null");
    StorableText.requireStorableJson(readModel, document.id(), document.json());
    doCheckDocument(readModel, document);
  }

  /**
   * Refuses a document this store cannot hold (too large, a field name it cannot keep). Its commit
   * must refuse the same documents, writing nothing. The default accepts every document.
   *
   * @param readModel the read model the document is for
   * @param document a document whose text is storable
   * @throws io.orchestrix.projection.InvalidDocumentException naming the read model, the id and the
   *     reason, if this store cannot hold the document
   */
  protected void doCheckDocument(String readModel, StoredDocument document) {}

  @Override
  public final Optional<ProjectionState> loadState(String projectionId) {
    StoreArguments.requireProjectionId(projectionId);
    return call("loading the state of projection '" + projectionId + "'", projectionId,
        () -> doLoadState(projectionId));
  }

  @Override
  public final void saveState(ProjectionState state) {
    Objects.requireNonNull(state, "state must not be null");
    run("saving the state of projection '" + state.projectionId() + "'", state.projectionId(),
        () -> doSaveState(state));
  }

  @Override
  public final Optional<StoredDocument> find(String readModel, String id) {
    schema(readModel);
    return !StoreArguments.isValidId(id) ? Optional.empty()
        : call("reading read model '" + readModel + "'", null, () -> doFind(readModel, id));
  }

  @Override
  public final Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    schema(readModel);
    List<String> valid = StoreArguments.validDistinctIds(ids);
    return valid.isEmpty() ? Map.of()
        : call("reading read model '" + readModel + "'", null, () -> doFindAll(readModel, valid));
  }

  @Override
  public final List<StoredDocument> findByIndex(String readModel, String index, String value) {
    StoreArguments.requireDeclaredIndex(schema(readModel), index, value);
    return !StorableText.isStorable(value) ? List.of()
        : call("querying read model '" + readModel + "' by " + index, null,
            () -> doFindByIndex(readModel, index, value));
  }

  @Override
  public final long count(String readModel) {
    schema(readModel);
    return call("counting read model '" + readModel + "'", null, () -> doCount(readModel));
  }

  @Override
  public final List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    schema(readModel);
    StoreArguments.requirePageLimit(limit);
    return call("paging read model '" + readModel + "'", null,
        () -> doPage(readModel, afterId, limit));
  }

  @Override
  public final List<DeadLetter> deadLetters(String projectionId) {
    StoreArguments.requireProjectionId(projectionId);
    return call("reading the dead letters of projection '" + projectionId + "'", projectionId,
        () -> doDeadLetters(projectionId));
  }

  @Override
  public final Optional<Lease> acquireLease(String group, String resource, String owner,
      Duration ttl) {
    LeaseNames.require(group, resource, owner, ttl);
    return call("taking lease '" + resource + "' of '" + group + "' for '" + owner + "'", null,
        () -> doAcquireLease(group, resource, owner, ttl));
  }

  @Override
  public final boolean releaseLease(String group, String resource, String owner) {
    LeaseNames.require(group, resource, owner, LeaseNames.MIN_TTL);
    return call("releasing lease '" + resource + "' of '" + group + "' held by '" + owner + "'", null,
        () -> doReleaseLease(group, resource, owner));
  }

  @Override
  public final List<Lease> leases(String group) {
    LeaseNames.requireGroup(group);
    return call("reading the leases of '" + group + "'", null, () -> doLeases(group));
  }

  /** Closes the store once, by {@link #doClose}; calls after the first, even concurrent, do nothing. */
  @Override
  public final void close() {
    if (lifecycle.markClosed()) {
      doClose();
    }
  }

  /** {@return whether {@link #close()} was called} Safe to call from any thread. */
  protected final boolean isClosed() {
    return lifecycle.isClosed();
  }

  /**
   * {@return the schema the read model was prepared with on this instance, with the most indexes}
   *
   * @param readModel the read model's name
   * @throws NullPointerException if readModel is null
   * @throws IllegalArgumentException if the name is invalid or the read model was not prepared
   * @throws StoreException fatal, if the store is closed
   */
  protected final ReadModelSchema schema(String readModel) {
    Objects.requireNonNull(readModel, "readModel must not be null");
    lifecycle.requireOpen();
    return readModels.require(readModel);
  }

  /**
   * Runs one call to the store on an open, started store ({@link #doStart}); a failure passes or is
   * translated as the class comment says.
   *
   * @param <T> what the body returns
   * @param operation what is being done, for messages ("committing projection 'p'")
   * @param projectionId the projection concerned, or null
   * @param body the store's own work
   * @return what the body returned
   * @throws StoreException if the store is closed, or translated from the body's failure
   */
  protected final <T> T call(String operation, @Nullable String projectionId, Supplier<T> body) {
    lifecycle.requireOpen();
    try {
      lifecycle.startOnce(this::doStart);
      return body.get();
    } catch (ProjectionException | IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(operation, projectionId, e);
    }
  }

  private void run(String operation, @Nullable String projectionId, Runnable body) {
    call(operation, projectionId, () -> {
      body.run();
      return null;
    });
  }

  /**
   * Turns a failure of the store's driver into a {@link StoreException}: transient for an outage
   * (lost connection, timeout, server restarting), fatal otherwise. Returns, never throws.
   *
   * @param operation what was being done ("committing projection 'p'"), for the message
   * @param projectionId the projection concerned, or null
   * @param failure what the driver raised, neither a {@link ProjectionException} nor an
   *     {@link IllegalArgumentException}
   * @return the exception to throw, its message naming the operation and the store, never a password
   */
  protected abstract StoreException translate(
      String operation, @Nullable String projectionId, RuntimeException failure);

  /**
   * Connects, and creates or checks the store's own schema (state, dead letters): called before the
   * first operation, by one thread at a time, until it returns once. Doing I/O here rather than when
   * opened means opening never fails because the server is out, and the caller's outage policy
   * covers this too. A failure is translated like any other; a schema newer than the code is a
   * {@link io.orchestrix.projection.StoreConfigurationException}. The default does nothing.
   */
  protected void doStart() {}

  /**
   * Creates a read model's storage and indexes if missing; idempotent, and safe to run from several
   * threads or nodes at once.
   *
   * @param schema the read model's name and declared indexes
   */
  protected abstract void doPrepareReadModel(ReadModelSchema schema);

  /**
   * {@return a new writer token for the projection} See {@link ProjectionStore#claimWriter}.
   *
   * @param projectionId a valid projection id
   */
  protected abstract long doClaimWriter(String projectionId);

  /**
   * Writes a commit atomically, or nothing; see {@link ProjectionStore#commit}. Every read model
   * named in it is prepared and every document's text is storable.
   *
   * @param commit the changes, state and dead letters to write
   * @throws io.orchestrix.projection.InvalidDocumentException if a document is one
   *     {@link #doCheckDocument} refuses, writing nothing
   */
  protected abstract void doCommit(Commit commit);

  /**
   * {@return the projection's stored state, or empty if it has none}
   *
   * @param projectionId a valid projection id
   */
  protected abstract Optional<ProjectionState> doLoadState(String projectionId);

  /**
   * Writes a projection's state outside a commit; see {@link ProjectionStore#saveState}.
   *
   * @param state the state to keep, replacing the projection's current one
   */
  protected abstract void doSaveState(ProjectionState state);

  /**
   * {@return the committed document with this id, or empty if there is none}
   *
   * @param readModel a prepared read model
   * @param id a valid document id
   */
  protected abstract Optional<StoredDocument> doFind(String readModel, String id);

  /**
   * {@return the committed documents among these ids that exist, by id} Read in as few round trips
   * as the store can.
   *
   * @param readModel a prepared read model
   * @param ids valid, distinct ids; never empty
   */
  protected abstract Map<String, StoredDocument> doFindAll(String readModel, List<String> ids);

  /**
   * {@return the committed documents whose index has this value, in id order}
   *
   * @param readModel a prepared read model
   * @param index an index the read model declares
   * @param value a storable value
   */
  protected abstract List<StoredDocument> doFindByIndex(String readModel, String index, String value);

  /**
   * {@return how many committed documents the read model holds}
   *
   * @param readModel a prepared read model
   */
  protected abstract long doCount(String readModel);

  /**
   * {@return up to {@code limit} documents after {@code afterId}, ascending in the store's fixed order}
   *
   * @param readModel a prepared read model
   * @param afterId the last id of the previous page, or null for the first page
   * @param limit the most documents to return, at least 1
   */
  protected abstract List<StoredDocument> doPage(String readModel, @Nullable String afterId, int limit);

  /**
   * {@return the projection's dead letters, ascending by position}
   *
   * @param projectionId a valid projection id
   */
  protected abstract List<DeadLetter> doDeadLetters(String projectionId);

  /**
   * {@return the lease now held by the owner (taken or renewed), or empty if another holds it}
   *
   * @param group a checked group name
   * @param resource a checked resource name
   * @param owner a checked owner name
   * @param ttl a checked time to live
   */
  protected abstract Optional<Lease> doAcquireLease(String group, String resource, String owner,
      Duration ttl);

  /**
   * {@return whether the owner held the lease (expired or not) and released it}
   *
   * @param group a checked group name
   * @param resource a checked resource name
   * @param owner a checked owner name
   */
  protected abstract boolean doReleaseLease(String group, String resource, String owner);

  /**
   * {@return every lease of the group, expired ones included, by resource}
   *
   * @param group a checked group name
   */
  protected abstract List<Lease> doLeases(String group);

  /** Releases what the store opened; called once, by the first {@link #close()}; must not throw. */
  protected abstract void doClose();
}
