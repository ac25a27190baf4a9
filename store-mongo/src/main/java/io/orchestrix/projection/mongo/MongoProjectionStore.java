package io.orchestrix.projection.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.support.StoreUris;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.mongo.internal.CommitWriter;
import io.orchestrix.projection.mongo.internal.DeadLetterDocuments;
import io.orchestrix.projection.mongo.internal.PreparedCommit;
import io.orchestrix.projection.mongo.internal.ReadModelDocuments;
import io.orchestrix.projection.mongo.internal.StateDocuments;
import io.orchestrix.projection.mongo.internal.StoreCollections;
import io.orchestrix.projection.mongo.internal.StoreErrors;
import io.orchestrix.projection.mongo.internal.TransactionProbe;
import io.orchestrix.projection.mongo.internal.WriteFaults;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProjectionStore} on MongoDB, through mongodb-driver-sync.
 *
 * <h2>Opening</h2>
 * By URI through {@link ProjectionStores#open} (schemes {@code mongodb} and {@code mongodb+srv}, the
 * full MongoDB connection-string syntax passed to the driver, database from the URI path, properties
 * in {@link MongoStoreOptions}), or with {@link #open(String, MongoStoreOptions)}, or over a
 * {@link MongoClient} the application already has with {@link #open(MongoClient, String,
 * MongoStoreOptions)}. Opening makes one round trip to check the server, creates the state and
 * dead-letter collections and indexes if missing, and decides the {@linkplain #mode() commit mode}.
 *
 * <h2>Layout</h2>
 * In the store's database, every collection name starting with the configured prefix
 * (default {@value MongoStoreOptions#DEFAULT_COLLECTION_PREFIX}):
 * <ul>
 *   <li>{@code <prefix>rm_<read model>}, one per read model:
 *       {@code {_id: id, latest: {position, writer, sequence, index: {<name>: "<value>"}, doc: {...}}}};
 *       the document itself is BSON under {@code latest.doc} (integers as int32/int64, every other
 *       number as an exact Decimal128, so money round-trips digit for digit), and each declared index
 *       is a MongoDB index on {@code latest.index.<name>} (with {@code _id}, so lookups come back in
 *       id order);</li>
 *   <li>{@code <prefix>state}, one document per projection with its checkpoint and writer token;</li>
 *   <li>{@code <prefix>dead_letters}, one document per projection and position.</li>
 * </ul>
 *
 * <h2>Commit modes</h2>
 * See {@link MongoStoreMode}. In {@link MongoStoreMode#AUTO AUTO} mode the store commits in
 * transactions when the deployment is a replica set or sharded cluster with sessions <em>and</em> a
 * probe at open shows a real transaction hides and rolls back its writes; otherwise (a standalone
 * {@code mongod}, or a server that only pretends) it runs the standalone mode and logs why;
 * {@link #mode()} and {@link #modeReason()} tell which runs and why. In standalone mode a commit is:
 * check the state, one unordered bulk write of puts per read-model collection whose writes never go
 * backwards (a {@code $max} on the {@code latest} sub-document, which starts with position, writer token
 * and commit sequence), dead letters, then the
 * checkpoint by a compare-and-set on checkpoint and writer token that also records the commit's
 * deletes, then those deletes.
 *
 * <p>What readers see in standalone mode: while a commit runs, or after one was cut short (crash,
 * outage) before its checkpoint moved, documents it put may be visible <em>ahead</em> of the
 * checkpoint, and a commit refused at the compare-and-set (a concurrent writer won) may have left its
 * puts visible too. Processing the events again from the checkpoint, as the engine does after any
 * failure, skips every write a document already holds by position and gives the same read model as
 * an uninterrupted run. Documents a commit deletes stay visible briefly <em>behind</em> the checkpoint,
 * until its deletes run; if those fail, the commit reports a transient {@link StoreException} although
 * its checkpoint moved, and the next claim or commit of the projection (the engine claims again after
 * any failure) completes them before anything else. A reset cut short leaves its read models cleared until it is run again.
 * In transactional mode readers never see part of a commit.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link StoreException} (transient for an unreachable server, a fail-over or a
 * transient transaction error; not for refused credentials) whose message names the servers, never
 * the password; a document MongoDB cannot hold (field name with {@code .} or starting with
 * {@code $}, over 16 MiB, a number no Decimal128 holds exactly) is refused by
 * {@link #checkDocument} and by {@link #commit} before anything is written, with an
 * {@link io.orchestrix.projection.InvalidDocumentException}.
 *
 * <p>Thread-safe. No method accepts or returns null except where {@code @Nullable} says so. Calls after
 * {@link #close()} throw {@link IllegalStateException}.
 */
public final class MongoProjectionStore implements ProjectionStore {

  private static final Logger LOG = LoggerFactory.getLogger(MongoProjectionStore.class);
  private static final int FIND_ALL_CHUNK = 1_000;
  /**
   * The version of the collection layout this code writes. A store refuses data whose stored version
   * is newer, since it cannot know what a newer layout means.
   */
  public static final int SCHEMA_VERSION = 1;

  private final MongoClient client;
  private final boolean ownsClient;
  private final String description;
  private final StoreErrors errors;
  private final StoreCollections collections;
  private final MongoStoreOptions options;
  private final MongoStoreMode mode;
  private final String modeReason;
  private final CommitWriter writer;
  private final Map<String, ReadModelSchema> schemas = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Orders this store's commits: increasing, and close to the clock's microseconds across restarts. */
  private final AtomicLong commitSequence = new AtomicLong();

  private MongoProjectionStore(MongoClient client, boolean ownsClient, String databaseName,
      String description, StoreErrors errors, MongoStoreOptions options, WriteFaults faults) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.description = description;
    this.errors = errors;
    this.options = options;
    MongoDatabase database = client.getDatabase(databaseName);
    this.collections = new StoreCollections(database, options.collectionPrefix());
    this.writer = new CommitWriter(client, collections, faults);
    call("connecting", null, () -> database.runCommand(new BsonDocument("ping", new BsonInt32(1))));
    call("creating the state and dead-letter collections", null, this::createStoreCollections);
    Optional<String> obstacle = options.mode() == MongoStoreMode.STANDALONE
        ? Optional.of("standalone mode was requested")
        : call("probing for transactions", null, this::transactionObstacle);
    if (obstacle.isEmpty()) {
      this.mode = MongoStoreMode.TRANSACTIONAL;
      this.modeReason = "the deployment runs multi-document transactions";
    } else if (options.mode() == MongoStoreMode.TRANSACTIONAL) {
      throw new StoreConfigurationException("MongoDB store " + description
          + ": transactional mode was requested but " + obstacle.get()
          + "; use mode=standalone or mode=auto, or a replica set", null);
    } else {
      this.mode = MongoStoreMode.STANDALONE;
      this.modeReason = obstacle.get();
    }
    LOG.info("MongoDB store {} commits in {} mode: {}", description, mode, modeReason);
  }

  /**
   * Opens a store by MongoDB connection string with default options.
   *
   * @see #open(String, MongoStoreOptions)
   */
  public static MongoProjectionStore open(String uri) {
    return open(uri, MongoStoreOptions.defaults());
  }

  /**
   * Opens a store by MongoDB connection string ({@code mongodb://} or {@code mongodb+srv://}, passed
   * to the driver as it is). The store owns the client it creates and closes it on {@link #close()}.
   *
   * @throws StoreConfigurationException if the URI is malformed, names a database other than the
   *     options', or transactional mode was requested on a deployment without transactions
   * @throws StoreException if the server cannot be reached (transient; the message names the hosts,
   *     never the password) or refuses the credentials (not transient)
   */
  public static MongoProjectionStore open(String uri, MongoStoreOptions options) {
    return open(uri, options, WriteFaults.NONE);
  }

  /** {@link #open(String, MongoStoreOptions)} with injected write faults, for tests. */
  static MongoProjectionStore open(String uri, MongoStoreOptions options, WriteFaults faults) {
    Objects.requireNonNull(uri, "uri must not be null");
    Objects.requireNonNull(options, "options must not be null");
    String redacted = StoreUris.redact(uri);
    ConnectionString connection;
    try {
      connection = new ConnectionString(uri);
    } catch (IllegalArgumentException e) {
      throw new StoreConfigurationException("malformed MongoDB URI '" + redacted + "': "
          + scrubUserInfo(uri, e.getMessage()), null);
    }
    String database = databaseOf(connection, options, redacted);
    MongoClientSettings.Builder settings = MongoClientSettings.builder()
        .applyConnectionString(connection);
    long timeoutMillis = options.serverSelectionTimeout()
        .map(java.time.Duration::toMillis)
        .orElse(connection.getServerSelectionTimeout() != null
            ? connection.getServerSelectionTimeout().longValue()
            : MongoStoreOptions.DEFAULT_SERVER_SELECTION_TIMEOUT.toMillis());
    settings.applyToClusterSettings(
        cluster -> cluster.serverSelectionTimeout(timeoutMillis, TimeUnit.MILLISECONDS));
    if (connection.getApplicationName() == null) {
      settings.applicationName("orchestrix-projections");
    }
    MongoCredential credential = connection.getCredential();
    StoreErrors errors = new StoreErrors(redacted, connection.getHosts(),
        credential == null ? null : credential.getUserName(),
        credential == null ? null : credential.getPassword());
    MongoClient client;
    try {
      client = MongoClients.create(settings.build());
    } catch (RuntimeException e) {
      throw errors.translate(e, "creating the client", null);
    }
    try {
      return new MongoProjectionStore(client, true, database, redacted, errors, options, faults);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Opens a store over a client the application owns; {@link #close()} leaves the client open. The
   * options' database and server-selection timeout do not apply (the client's settings do).
   *
   * @throws IllegalArgumentException if MongoDB would refuse the database name
   * @throws StoreConfigurationException if transactional mode was requested on a deployment without
   *     transactions
   * @throws StoreException if the server cannot be reached or refuses the client's credentials
   */
  public static MongoProjectionStore open(
      MongoClient client, String database, MongoStoreOptions options) {
    Objects.requireNonNull(client, "client must not be null");
    Objects.requireNonNull(options, "options must not be null");
    MongoStoreOptions.requireValidDatabase(database);
    List<String> hosts = new ArrayList<>();
    client.getClusterDescription().getClusterSettings().getHosts()
        .forEach(address -> hosts.add(address.toString()));
    String description = "mongodb (application client) " + String.join(",", hosts) + "/" + database;
    return new MongoProjectionStore(client, false, database, description,
        new StoreErrors(description, hosts, null, null), options, WriteFaults.NONE);
  }

  private static String databaseOf(
      ConnectionString connection, MongoStoreOptions options, String redacted) {
    String fromUri = connection.getDatabase();
    Optional<String> fromOptions = options.database();
    if (fromUri != null && fromOptions.isPresent() && !fromUri.equals(fromOptions.get())) {
      throw new StoreConfigurationException("MongoDB URI '" + redacted + "' names the database '"
          + fromUri + "' but the property '" + MongoStoreOptions.DATABASE + "' names '"
          + fromOptions.get() + "'; name it once", null);
    }
    if (fromUri != null) {
      try {
        MongoStoreOptions.requireValidDatabase(fromUri);
      } catch (IllegalArgumentException e) {
        throw new StoreConfigurationException(
            "MongoDB URI '" + redacted + "': " + e.getMessage(), null);
      }
      return fromUri;
    }
    return fromOptions.orElse(MongoStoreOptions.DEFAULT_DATABASE);
  }

  private static String scrubUserInfo(String uri, @Nullable String message) {
    if (message == null) {
      return "";
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return message;
    }
    String userInfo = uri.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    return colon < 0 || colon == userInfo.length() - 1
        ? message : message.replace(userInfo.substring(colon + 1), "****");
  }

  private void createStoreCollections() {
    checkSchemaVersion();
    createCollectionIfMissing(collections.state().getNamespace().getCollectionName());
    collections.deadLetters().createIndex(
        new BsonDocument(DeadLetterDocuments.PROJECTION_ID, new BsonInt32(1))
            .append(DeadLetterDocuments.POSITION, new BsonInt32(1)),
        new IndexOptions().name("projection_position").unique(true));
  }

  private void checkSchemaVersion() {
    BsonDocument byId = new BsonDocument("_id", new BsonString("schema"));
    BsonDocument stored;
    try {
      stored = collections.meta().findOneAndUpdate(byId,
          new BsonDocument("$setOnInsert", new BsonDocument("version", new BsonInt32(SCHEMA_VERSION))),
          new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
    } catch (com.mongodb.MongoCommandException e) {
      if (e.getErrorCode() != 11000) {
        throw e;
      }
      stored = collections.meta().find(byId).first(); // another store created it at the same time
    }
    int version = stored == null || !stored.isNumber("version")
        ? SCHEMA_VERSION : stored.getNumber("version").intValue();
    if (version > SCHEMA_VERSION) {
      throw new StoreConfigurationException("MongoDB store " + description + ": the stored schema"
          + " (collection " + collections.meta().getNamespace().getCollectionName() + ") has version "
          + version + ", newer than this code's version " + SCHEMA_VERSION
          + "; upgrade store-mongo before opening these collections", null);
    }
  }

  private void createCollectionIfMissing(String name) {
    try {
      collections.database().createCollection(name);
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != 48) { // NamespaceExists: another store or process created it
        throw e;
      }
    }
  }

  private Optional<String> transactionObstacle() {
    Optional<String> topology = TransactionProbe.topologyObstacle(client.getClusterDescription());
    return topology.isPresent()
        ? topology
        : TransactionProbe.behaviourObstacle(client, collections.state());
  }

  /** The commit mode in force: {@link MongoStoreMode#TRANSACTIONAL} or {@link MongoStoreMode#STANDALONE}. */
  public MongoStoreMode mode() {
    return mode;
  }

  /** Why {@link #mode()} was chosen, in words, e.g. "the deployment is a STANDALONE server, ...". */
  public String modeReason() {
    return modeReason;
  }

  /** The options the store was opened with. */
  public MongoStoreOptions options() {
    return options;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void prepareReadModel(ReadModelSchema schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    call("preparing read model '" + schema.name() + "'", null, () -> {
      createCollectionIfMissing(collections.readModelCollectionName(schema.name()));
      MongoCollection<BsonDocument> collection = collections.readModel(schema.name());
      for (String index : schema.indexes()) {
        collection.createIndex(
            new BsonDocument(ReadModelDocuments.indexField(index), new BsonInt32(1))
                .append(ReadModelDocuments.ID, new BsonInt32(1)),
            new IndexOptions().name("index_" + index));
      }
      return null;
    });
    schemas.put(schema.name(), schema);
  }

  @Override
  public long claimWriter(String projectionId) {
    ProjectionIds.requireValid(projectionId);
    BsonDocument initial = StateDocuments.fields(
        ProjectionState.initial(projectionId, options.clock().instant()));
    BsonDocument update = new BsonDocument("$inc",
        new BsonDocument(StateDocuments.WRITER_TOKEN, new BsonInt64(1)))
        .append("$setOnInsert", initial);
    FindOneAndUpdateOptions upsert = new FindOneAndUpdateOptions()
        .upsert(true).returnDocument(ReturnDocument.AFTER);
    return call("claiming projection '" + projectionId + "'", projectionId, () -> {
      for (int attempt = 1; ; attempt++) {
        try {
          BsonDocument claimed = Objects.requireNonNull(collections.state()
              .findOneAndUpdate(byId(projectionId), update, upsert), "upserted state");
          // A standalone commit cut short after its checkpoint left deletes to finish; the new
          // writer must not read the documents they remove.
          writer.completePendingDeletes(null, claimed);
          return StateDocuments.writerToken(claimed);
        } catch (com.mongodb.MongoCommandException e) {
          // Two first claims raced on the upsert and one collided on _id: the other created the
          // state, so claiming again increments it.
          if (e.getErrorCode() != 11000 || attempt == 3) {
            throw e;
          }
        }
      }
    });
  }

  @Override
  public void commit(Commit commit) {
    Objects.requireNonNull(commit, "commit must not be null");
    long sequence = commitSequence.updateAndGet(
        previous -> Math.max(previous + 1, options.clock().millis() * 1_000));
    PreparedCommit prepared =
        PreparedCommit.of(commit, mode == MongoStoreMode.STANDALONE, sequence);
    call("committing projection '" + commit.projectionId() + "' up to position "
        + commit.state().lastProcessedPosition(), commit.projectionId(), () -> {
          if (mode == MongoStoreMode.TRANSACTIONAL) {
            writer.commitInTransaction(prepared);
          } else {
            writer.commitStandalone(prepared);
          }
          return null;
        });
  }

  /**
   * True in transactional mode; false in standalone mode, where a commit cut short may leave documents
   * ahead of the checkpoint, so the engine skips writes to a document from events at or below its
   * stored position.
   */
  @Override
  public boolean commitsAtomically() {
    return mode == MongoStoreMode.TRANSACTIONAL;
  }

  /**
   * Refuses, with an {@link io.orchestrix.projection.InvalidDocumentException} naming the read model,
   * the id, and the field or reason, a document MongoDB cannot hold: a field name containing {@code .}
   * or starting with {@code $}, a number no Decimal128 holds exactly, text that is not one JSON object,
   * nesting deeper than 97 levels, or more than 16 MiB as stored.
   */
  @Override
  public void checkDocument(String readModel, StoredDocument document) {
    ReadModelDocuments.encodeLatest(readModel, document, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  @Override
  public Optional<StoredDocument> find(String readModel, String id) {
    Objects.requireNonNull(id, "id must not be null");
    RawBsonDocument stored = call("reading '" + id + "' of read model '" + readModel + "'", null,
        () -> collections.readModelRaw(readModel)
            .find(new BsonDocument(ReadModelDocuments.ID, new BsonString(id))).first());
    return stored == null ? Optional.empty() : Optional.of(ReadModelDocuments.decode(stored));
  }

  @Override
  public Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(ids));
    Map<String, StoredDocument> found = new HashMap<>();
    for (int from = 0; from < distinct.size(); from += FIND_ALL_CHUNK) {
      BsonArray chunk = new BsonArray();
      distinct.subList(from, Math.min(distinct.size(), from + FIND_ALL_CHUNK))
          .forEach(id -> chunk.add(new BsonString(id)));
      BsonDocument filter = new BsonDocument(ReadModelDocuments.ID, new BsonDocument("$in", chunk));
      call("reading " + chunk.size() + " documents of read model '" + readModel + "'", null,
          () -> collections.readModelRaw(readModel).find(filter).forEach(stored -> {
            StoredDocument document = ReadModelDocuments.decode(stored);
            found.put(document.id(), document);
          }));
    }
    return found;
  }

  @Override
  public List<StoredDocument> findByIndex(String readModel, String index, String value) {
    Objects.requireNonNull(value, "value must not be null");
    ReadModelSchema schema = schemas.get(readModel);
    if (schema != null && !schema.indexes().contains(index)) {
      throw new IllegalArgumentException("read model '" + readModel + "' has no index '" + index
          + "'; its indexes are " + schema.indexes());
    }
    BsonDocument filter =
        new BsonDocument(ReadModelDocuments.indexField(index), new BsonString(value));
    return call("querying read model '" + readModel + "' by " + index, null,
        () -> decodeAll(collections.readModelRaw(readModel).find(filter)
            .sort(new BsonDocument(ReadModelDocuments.ID, new BsonInt32(1)))));
  }

  @Override
  public long count(String readModel) {
    return call("counting read model '" + readModel + "'", null,
        () -> collections.readModel(readModel).countDocuments());
  }

  @Override
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
    }
    BsonDocument filter = afterId == null ? new BsonDocument()
        : new BsonDocument(ReadModelDocuments.ID,
            new BsonDocument("$gt", new BsonString(afterId)));
    return call("paging read model '" + readModel + "'", null,
        () -> decodeAll(collections.readModelRaw(readModel).find(filter)
            .sort(new BsonDocument(ReadModelDocuments.ID, new BsonInt32(1))).limit(limit)));
  }

  @Override
  public List<DeadLetter> deadLetters(String projectionId) {
    BsonDocument filter = new BsonDocument(
        DeadLetterDocuments.PROJECTION_ID, new BsonString(projectionId));
    return call("reading dead letters of projection '" + projectionId + "'", projectionId, () -> {
      List<DeadLetter> letters = new ArrayList<>();
      collections.deadLetters().find(filter)
          .sort(new BsonDocument(DeadLetterDocuments.POSITION, new BsonInt32(1)))
          .forEach(stored -> letters.add(DeadLetterDocuments.deadLetter(stored)));
      return letters;
    });
  }

  @Override
  public Optional<ProjectionState> loadState(String projectionId) {
    Objects.requireNonNull(projectionId, "projectionId must not be null");
    BsonDocument stored = call("loading the state of projection '" + projectionId + "'",
        projectionId, () -> collections.state().find(byId(projectionId)).first());
    return stored == null ? Optional.empty() : Optional.of(StateDocuments.state(stored));
  }

  @Override
  public void saveState(ProjectionState state) {
    Objects.requireNonNull(state, "state must not be null");
    BsonDocument update = new BsonDocument("$set", StateDocuments.fields(state))
        .append("$setOnInsert",
            new BsonDocument(StateDocuments.WRITER_TOKEN, new BsonInt64(0)));
    call("saving the state of projection '" + state.projectionId() + "'", state.projectionId(),
        () -> collections.state().updateOne(byId(state.projectionId()), update,
            new UpdateOptions().upsert(true)));
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "MongoProjectionStore[" + description + ", " + mode + "]";
  }

  private static List<StoredDocument> decodeAll(Iterable<RawBsonDocument> found) {
    List<StoredDocument> documents = new ArrayList<>();
    found.forEach(stored -> documents.add(ReadModelDocuments.decode(stored)));
    return documents;
  }

  private static BsonDocument byId(String projectionId) {
    return new BsonDocument("_id", new BsonString(projectionId));
  }

  private void call(String operation, @Nullable String projectionId, Runnable action) {
    call(operation, projectionId, () -> {
      action.run();
      return null;
    });
  }

  private <T> T call(String operation, @Nullable String projectionId, Supplier<T> action) {
    if (closed.get()) {
      throw new IllegalStateException("MongoDB store " + description + " is closed");
    }
    try {
      return action.get();
    } catch (com.mongodb.MongoException e) {
      throw errors.translate(e, operation, projectionId);
    }
  }
}
