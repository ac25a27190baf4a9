package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.LeaseNames;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StorableText;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The base of a store: it enforces every rule of {@link ProjectionStore} that stores share (null and
 * name checks, prepared read models, declared indexes, page limits, text no store can hold, the closed
 * state) and turns a driver's exceptions into {@link StoreException} through the one
 * {@link #translate} hook, so a store implements only its own reads and writes, in the
 * {@code do...} methods, and every store behaves alike where the contract says so.
 *
 * <p>The {@code do...} methods are called only with checked arguments on an open store; whatever
 * {@link ProjectionException} they raise passes unchanged, any other {@link RuntimeException} goes
 * through {@link #translate}. Thread-safe if the subclass's methods are.
 */
public abstract class AbstractProjectionStore implements ProjectionStore {

  private final String description;
  private final Map<String, ReadModelSchema> schemas = new ConcurrentHashMap<>();
  private final Object startLock = new Object();
  private volatile boolean started;
  private volatile boolean closed;

  /**
   * @param description the store's description for messages: its URI without the password
   */
  protected AbstractProjectionStore(String description) {
    this.description = Objects.requireNonNull(description, "description must not be null");
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final void prepareReadModel(ReadModelSchema schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    call("preparing read model '" + schema.name() + "'", null, () -> {
      doPrepareReadModel(schema);
      return null;
    });
    schemas.merge(schema.name(), schema, (known, added) -> known.indexes().containsAll(added.indexes())
        ? known : added);
  }

  @Override
  public final long claimWriter(String projectionId) {
    requireProjectionId(projectionId);
    return call("claiming projection '" + projectionId + "'", projectionId,
        () -> doClaimWriter(projectionId));
  }

  @Override
  public final void commit(Commit commit) {
    Objects.requireNonNull(commit, "commit must not be null");
    for (ReadModelChanges changes : commit.changes()) {
      schema(changes.readModel());
    }
    commit.clearedReadModels().forEach(this::schema);
    for (ReadModelChanges changes : commit.changes()) {
      for (StoredDocument document : changes.puts()) {
        StorableText.requireStorableJson(changes.readModel(), document.id(), document.json());
      }
    }
    call("committing projection '" + commit.projectionId() + "'", commit.projectionId(), () -> {
      doCommit(commit);
      return null;
    });
  }

  /**
   * Checks the document's text ({@link StorableText}), then whatever this store adds
   * ({@link #doCheckDocument}).
   */
  @Override
  public final void checkDocument(String readModel, StoredDocument document) {
    Objects.requireNonNull(document, "document must not be null");
    StorableText.requireStorableJson(readModel, document.id(), document.json());
    doCheckDocument(readModel, document);
  }

  /**
   * Refuses, with {@link io.orchestrix.projection.InvalidDocumentException} naming the read model, the
   * id and the reason, a document this store cannot hold (too large, a field name it cannot keep). Its
   * commit must refuse the same documents, writing nothing. The default accepts every document.
   */
  protected void doCheckDocument(String readModel, StoredDocument document) {}

  @Override
  public final Optional<ProjectionState> loadState(String projectionId) {
    requireProjectionId(projectionId);
    return call("loading the state of projection '" + projectionId + "'", projectionId,
        () -> doLoadState(projectionId));
  }

  @Override
  public final void saveState(ProjectionState state) {
    Objects.requireNonNull(state, "state must not be null");
    call("saving the state of projection '" + state.projectionId() + "'", state.projectionId(), () -> {
      doSaveState(state);
      return null;
    });
  }

  @Override
  public final Optional<StoredDocument> find(String readModel, String id) {
    schema(readModel);
    Objects.requireNonNull(id, "id must not be null");
    if (!StoredDocument.isValidId(id)) {
      return Optional.empty();
    }
    return call("reading read model '" + readModel + "'", null, () -> doFind(readModel, id));
  }

  @Override
  public final Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    schema(readModel);
    Objects.requireNonNull(ids, "ids must not be null");
    List<String> valid = new ArrayList<>(ids.size());
    for (String id : new LinkedHashSet<>(ids)) {
      if (StoredDocument.isValidId(Objects.requireNonNull(id, "an id is null"))) {
        valid.add(id);
      }
    }
    if (valid.isEmpty()) {
      return Map.of();
    }
    return call("reading read model '" + readModel + "'", null, () -> doFindAll(readModel, valid));
  }

  @Override
  public final List<StoredDocument> findByIndex(String readModel, String index, String value) {
    ReadModelSchema schema = schema(readModel);
    Objects.requireNonNull(index, "index must not be null");
    Objects.requireNonNull(value, "value must not be null");
    if (!schema.indexes().contains(index)) {
      throw new IllegalArgumentException("read model '" + readModel + "' has no index '" + index
          + "'; it declares " + schema.indexes());
    }
    if (!StorableText.isStorable(value)) {
      return List.of();
    }
    return call("querying read model '" + readModel + "' by " + index, null,
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
    if (limit < 1) {
      throw new IllegalArgumentException("page limit must be at least 1 but was " + limit);
    }
    return call("paging read model '" + readModel + "'", null,
        () -> doPage(readModel, afterId, limit));
  }

  @Override
  public final List<DeadLetter> deadLetters(String projectionId) {
    requireProjectionId(projectionId);
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

  @Override
  public final void close() {
    if (!closed) {
      closed = true;
      doClose();
    }
  }

  /** {@return whether {@link #close()} was called} */
  protected final boolean isClosed() {
    return closed;
  }

  /**
   * The schema a read model was prepared with on this instance.
   *
   * @throws IllegalArgumentException if the name is invalid or the read model was not prepared
   */
  protected final ReadModelSchema schema(String readModel) {
    Objects.requireNonNull(readModel, "readModel must not be null");
    requireOpen();
    ReadModelSchema schema = schemas.get(readModel);
    if (schema == null) {
      ProjectionIds.requireValidName(readModel, "read-model name");
      throw new IllegalArgumentException("read model '" + readModel + "' was not prepared on "
          + description + "; declare it on the engine (or call prepareReadModel) first");
    }
    return schema;
  }

  /**
   * Runs one call to the store: refuses it if the store is closed, passes a
   * {@link ProjectionException} or {@link IllegalArgumentException} through, and translates any other
   * failure.
   *
   * @param operation what is being done, for messages ("committing projection 'p'")
   * @param projectionId the projection concerned, or null
   */
  protected final <T> T call(String operation, @Nullable String projectionId, Supplier<T> body) {
    requireOpen();
    try {
      startOnce();
      return body.get();
    } catch (ProjectionException | IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(operation, projectionId, e);
    }
  }

  private void startOnce() {
    if (!started) {
      synchronized (startLock) {
        if (!started) {
          doStart();
          started = true;
        }
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw StoreException.failure("store " + description + " is closed", null, null);
    }
  }

  private static void requireProjectionId(String projectionId) {
    ProjectionIds.requireValidKey(
        Objects.requireNonNull(projectionId, "projectionId must not be null"));
  }

  /**
   * Turns a failure of the store's driver into a {@link StoreException}: transient for an outage
   * (lost connection, timeout, server restarting), fatal otherwise. The message names the operation
   * and the store's description, never a password.
   */
  protected abstract StoreException translate(
      String operation, @Nullable String projectionId, RuntimeException failure);

  /**
   * Connects, and creates or checks the store's own schema (state, dead letters): called once, before
   * the first operation, and again before the next one if it failed. A store does its I/O here
   * rather than when it is opened, so that opening a store never fails because the server is out,
   * and the outage policy of whoever calls it (a runner, say) covers this too. A failure is
   * translated like any other; a schema newer than the code is a
   * {@link io.orchestrix.projection.StoreConfigurationException}. The default does nothing.
   */
  protected void doStart() {}

  /** Creates a read model's storage and indexes if missing; idempotent. */
  protected abstract void doPrepareReadModel(ReadModelSchema schema);

  /** See {@link ProjectionStore#claimWriter}. */
  protected abstract long doClaimWriter(String projectionId);

  /**
   * See {@link ProjectionStore#commit}; every read model named in it is prepared and every document's
   * text is storable. Refuses a document {@link #doCheckDocument} would refuse.
   */
  protected abstract void doCommit(Commit commit);

  /** See {@link ProjectionStore#loadState}. */
  protected abstract Optional<ProjectionState> doLoadState(String projectionId);

  /** See {@link ProjectionStore#saveState}. */
  protected abstract void doSaveState(ProjectionState state);

  /** {@return the document with a valid id, if it exists} */
  protected abstract Optional<StoredDocument> doFind(String readModel, String id);

  /** {@return the documents among valid, distinct ids (never empty) that exist, by id} */
  protected abstract Map<String, StoredDocument> doFindAll(String readModel, List<String> ids);

  /** {@return the documents whose declared index has this storable value, in id order} */
  protected abstract List<StoredDocument> doFindByIndex(String readModel, String index, String value);

  /** {@return how many documents the read model holds} */
  protected abstract long doCount(String readModel);

  /** Up to {@code limit} (at least 1) documents after {@code afterId}, in the store's order. */
  protected abstract List<StoredDocument> doPage(String readModel, @Nullable String afterId, int limit);

  /** {@return the projection's dead letters, ascending by position} */
  protected abstract List<DeadLetter> doDeadLetters(String projectionId);

  /** See {@link ProjectionStore#acquireLease}; the arguments are checked. */
  protected abstract Optional<Lease> doAcquireLease(String group, String resource, String owner,
      Duration ttl);

  /** See {@link ProjectionStore#releaseLease}; the arguments are checked. */
  protected abstract boolean doReleaseLease(String group, String resource, String owner);

  /** See {@link ProjectionStore#leases}, ordered by resource; the group is checked. */
  protected abstract List<Lease> doLeases(String group);

  /** Releases what the store opened; called once. */
  protected abstract void doClose();
}
