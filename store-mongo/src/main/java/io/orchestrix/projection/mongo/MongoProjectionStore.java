package io.orchestrix.projection.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.mongo.internal.CheckedDocuments;
import io.orchestrix.projection.mongo.internal.CommitWriter;
import io.orchestrix.projection.mongo.internal.DeadLetterDocuments;
import io.orchestrix.projection.mongo.internal.MongoTarget;
import io.orchestrix.projection.mongo.internal.PreparedCommit;
import io.orchestrix.projection.mongo.internal.ProjectionStates;
import io.orchestrix.projection.mongo.internal.ReadModelReads;
import io.orchestrix.projection.mongo.internal.StoreCollections;
import io.orchestrix.projection.mongo.internal.StoreErrors;
import io.orchestrix.projection.mongo.internal.StoreLeases;
import io.orchestrix.projection.mongo.internal.StoreSchema;
import io.orchestrix.projection.mongo.internal.WriteFaults;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.spi.support.AbstractProjectionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projection state, read models and dead letters in MongoDB, through mongodb-driver-sync.
 *
 * <h2>Opening</h2>
 * By URI through {@code ProjectionStores.open} (schemes {@code mongodb} and {@code mongodb+srv},
 * properties in {@link MongoStoreOptions}), with {@link #open(String, MongoStoreOptions)}, or over a
 * {@link MongoClient} the application already has with {@link #open(MongoClient, String,
 * MongoStoreOptions)}. A URI must name at least one host, ports of 1 to 65535, and a database (its
 * path, or the {@code database} property); anything else is refused with a
 * {@link StoreConfigurationException} before any connection is made. Opening checks that the server
 * answers, creates the store's collections and indexes if missing, checks the stored schema version,
 * and decides the {@linkplain #mode() commit mode}.
 *
 * <h2>Layout</h2>
 * In the store's database, every collection name starting with the configured prefix
 * (default {@value MongoStoreOptions#DEFAULT_COLLECTION_PREFIX}): {@code <prefix>rm_<read model>} per
 * read model ({@code {_id: id, latest: {position, writer, sequence, index: {<name>: "<value>"},
 * doc: {...}}}}, the document as BSON with every decimal number an exact Decimal128, one MongoDB index
 * per declared index), {@code <prefix>state} (one document per projection), {@code <prefix>dead_letters}
 * and {@code <prefix>meta} (the schema version). Ids are {@code _id} strings and index values strings,
 * compared byte for byte: ids or values differing in case, a trailing space or any other character
 * are distinct.
 *
 * <h2>Commit modes</h2>
 * See {@link MongoStoreMode}. In {@link MongoStoreMode#AUTO AUTO} mode the store commits in
 * transactions when the deployment is a replica set or sharded cluster with sessions <em>and</em> a
 * probe at open shows a real transaction hides and rolls back its writes; otherwise it runs the
 * standalone mode, whose commits are not atomic for readers ({@link #commitsAtomically()} is false)
 * but give the same read models after any failure once the events are processed again.
 *
 * <h2>Leases</h2>
 * In {@code <prefix>leases}, one document per group and resource; whether a lease has expired is
 * decided by the MongoDB server's clock alone ({@code $currentDate} when it is taken or renewed,
 * {@code $$NOW} in the filter of the write that takes it and in listings), so nodes need no agreed
 * clocks; this needs MongoDB 4.2 or later. Each take or renewal is one atomic single-document write;
 * of nodes racing for a free, expired or released lease exactly one gets it.
 *
 * <h2>Partitions</h2>
 * Each read-model document records the partition of the commit that last wrote it
 * ({@code latest.partition}; -1, or missing in documents stored before, for none). A partitioned
 * commit first checks, with one query per read model, that no document it puts or deletes is kept for
 * another partition, and its writes are conditional on that too, so a document created by another
 * partition at the same moment refuses one of the two commits with a
 * {@link io.orchestrix.projection.PartitionConflictException}. In transactional mode a refused commit
 * writes nothing; in standalone mode it writes nothing when refused by the check, and when refused by
 * its conditional write (a race) leaves its other puts ahead of its unmoved checkpoint, as a commit cut
 * short does. Commits that are not partitioned cost what they did.
 *
 * <h2>Errors</h2>
 * Every failure of the server is a {@link StoreException}: {@link io.orchestrix.projection.FailureKind#TRANSIENT}
 * for an outage (no server within the server-selection timeout, a connection refused or dropped, no
 * reply within the socket timeout, a server shutting down, not primary or stepping down),
 * {@link io.orchestrix.projection.FailureKind#FATAL} for refused credentials and for anything else;
 * messages name the servers, never the password. A document MongoDB cannot hold is refused with an
 * {@link io.orchestrix.projection.InvalidDocumentException} by {@link #checkDocument} and by
 * {@link #commit}, before anything is written.
 *
 * <p>Thread-safe. Arguments are checked as {@link AbstractProjectionStore} says; after {@link #close()}
 * every call fails with a fatal {@link StoreException}.
 */
public final class MongoProjectionStore extends AbstractProjectionStore {

  private static final Logger LOG = LoggerFactory.getLogger(MongoProjectionStore.class);
  /**
   * The version of the collection layout this code writes. A store refuses data whose stored version
   * is newer, since it cannot know what a newer layout means.
   */
  public static final int SCHEMA_VERSION = StoreSchema.VERSION;

  private final MongoClient client;
  private final boolean ownsClient;
  private final StoreErrors errors;
  private final MongoStoreOptions options;
  private final StoreSchema schema;
  private final ReadModelReads reads;
  private final ProjectionStates states;
  private final CommitWriter commits;
  private final StoreCollections collections;
  private final StoreLeases leases;
  private final CheckedDocuments checked = new CheckedDocuments();
  private final MongoStoreMode mode;
  private final String modeReason;
  /** Orders this store's commits: increasing, and close to the clock's microseconds across restarts. */
  private final AtomicLong commitSequence = new AtomicLong();

  private MongoProjectionStore(MongoClient client, boolean ownsClient, String database,
      String description, StoreErrors errors, MongoStoreOptions options, WriteFaults faults) {
    super(description);
    this.client = client;
    this.ownsClient = ownsClient;
    this.errors = errors;
    this.options = options;
    this.collections = new StoreCollections(client.getDatabase(database), options.collectionPrefix());
    this.schema = new StoreSchema(client, collections, description);
    this.reads = new ReadModelReads(collections);
    this.commits = new CommitWriter(client, collections, faults);
    this.states = new ProjectionStates(collections, commits);
    this.leases = new StoreLeases(collections.leases());
    call("opening the store", null, () -> {
      schema.open();
      return null;
    });
    Optional<String> obstacle = options.mode() == MongoStoreMode.STANDALONE
        ? Optional.of("standalone mode was requested")
        : call("probing for transactions", null, schema::transactionObstacle);
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
   * @param uri the MongoDB connection string, naming the database
   * @return the open store, which owns its client and closes it
   * @see #open(String, MongoStoreOptions)
   */
  public static MongoProjectionStore open(String uri) {
    return open(uri, MongoStoreOptions.defaults());
  }

  /**
   * Opens a store by MongoDB connection string ({@code mongodb://} or {@code mongodb+srv://}, passed
   * to the driver as it is once checked). The store owns the client it creates and closes it on
   * {@link #close()}.
   *
   * @param uri the MongoDB connection string
   * @param options the options; not null
   * @return the open store, which owns its client and closes it
   * @throws StoreConfigurationException if the URI is malformed (no host, a port outside 1 to 65535,
   *     not a MongoDB connection string), names no database while the options name none, names
   *     another database than the options, or transactional mode was requested on a deployment
   *     without transactions; the message never shows the password
   * @throws StoreException if the server cannot be reached (transient; the message names the hosts,
   *     never the password) or refuses the credentials (fatal)
   */
  public static MongoProjectionStore open(String uri, MongoStoreOptions options) {
    return open(uri, options, WriteFaults.NONE);
  }

  /** {@link #open(String, MongoStoreOptions)} with injected write faults, for tests. */
  static MongoProjectionStore open(String uri, MongoStoreOptions options, WriteFaults faults) {
    Objects.requireNonNull(uri, "uri must not be null");
    Objects.requireNonNull(options, "options must not be null");
    MongoTarget target = MongoTarget.parse(uri, options.database());
    MongoClient client;
    try {
      client = MongoClients.create(
          target.settings(options.serverSelectionTimeout(), options.socketTimeout()));
    } catch (RuntimeException e) {
      throw target.errors().translate(e, "creating the client", null);
    }
    try {
      return new MongoProjectionStore(client, true, target.database(), target.redacted(),
          target.errors(), options, faults);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Opens a store over a client the application owns; {@link #close()} leaves the client open. The
   * options' database and timeouts do not apply (the client's settings do).
   *
   * @param client the application's client, which the store never closes; not null
   * @param database the database's name
   * @param options the options; not null
   * @return the store
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

  /** {@return the commit mode in force: {@code TRANSACTIONAL} or {@code STANDALONE}} */
  public MongoStoreMode mode() {
    return mode;
  }

  /** {@return why {@link #mode()} was chosen, in words} */
  public String modeReason() {
    return modeReason;
  }

  /** {@return the options the store was opened with} */
  public MongoStoreOptions options() {
    return options;
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

  /** How many checked documents wait for their commit with their encoding kept, for tests. */
  int keptEncodings() {
    return checked.size();
  }

  @Override
  public String toString() {
    return "MongoProjectionStore[" + description() + ", " + mode + "]";
  }

  @Override
  protected StoreException translate(
      String operation, @Nullable String projectionId, RuntimeException failure) {
    return errors.translate(failure, operation, projectionId);
  }

  @Override
  protected void doPrepareReadModel(ReadModelSchema readModel) {
    schema.prepareReadModel(readModel);
  }

  @Override
  protected long doClaimWriter(String projectionId) {
    return states.claimWriter(projectionId, options.clock().instant());
  }

  /**
   * Refuses, with an {@link io.orchestrix.projection.InvalidDocumentException} naming the read model,
   * the id, and the field (as a JSON Pointer) or the reason, a document MongoDB cannot hold: a field
   * name containing {@code .} or starting with {@code $}, a number no Decimal128 holds exactly, text
   * that is not one JSON object, nesting deeper than 97 levels, or more than 16 MiB as stored. The
   * check is the document's one conversion to BSON, which the commit of this same document object then
   * uses instead of parsing the JSON again.
   */
  @Override
  protected void doCheckDocument(String readModel, StoredDocument document) {
    checked.check(readModel, document);
  }

  @Override
  protected void doCommit(Commit commit) {
    checked.startCommit();
    long sequence = commitSequence.updateAndGet(
        previous -> Math.max(previous + 1, options.clock().millis() * 1_000));
    PreparedCommit prepared =
        PreparedCommit.of(commit, mode == MongoStoreMode.STANDALONE, sequence, checked);
    if (mode == MongoStoreMode.TRANSACTIONAL) {
      commits.commitInTransaction(prepared);
    } else {
      commits.commitStandalone(prepared);
    }
  }

  @Override
  protected Optional<ProjectionState> doLoadState(String projectionId) {
    return states.loadState(projectionId);
  }

  @Override
  protected void doSaveState(ProjectionState state) {
    states.saveState(state);
  }

  @Override
  protected Optional<StoredDocument> doFind(String readModel, String id) {
    return reads.find(readModel, id);
  }

  @Override
  protected Map<String, StoredDocument> doFindAll(String readModel, List<String> ids) {
    return reads.findAll(readModel, ids);
  }

  @Override
  protected List<StoredDocument> doFindByIndex(String readModel, String index, String value) {
    return reads.findByIndex(readModel, index, value);
  }

  @Override
  protected long doCount(String readModel) {
    return reads.count(readModel);
  }

  @Override
  protected List<StoredDocument> doPage(String readModel, @Nullable String afterId, int limit) {
    return reads.page(readModel, afterId, limit);
  }

  @Override
  protected List<DeadLetter> doDeadLetters(String projectionId) {
    List<DeadLetter> letters = new ArrayList<>();
    collections.deadLetters()
        .find(new BsonDocument(DeadLetterDocuments.PROJECTION_ID, new BsonString(projectionId)))
        .sort(new BsonDocument(DeadLetterDocuments.POSITION, new BsonInt32(1)))
        .forEach(stored -> letters.add(DeadLetterDocuments.deadLetter(stored)));
    return letters;
  }

  /**
   * Takes or renews a lease as {@link io.orchestrix.projection.spi.ProjectionStore#acquireLease}
   * says, judging expiry by the MongoDB server's clock ({@code $currentDate} and {@code $$NOW}, which
   * need MongoDB 4.2 or later), never this process's. A renewal is one round trip; taking a free or
   * expired lease two or three; a refusal four. The time to live is kept in whole milliseconds
   * (rounded down).
   */
  @Override
  protected Optional<Lease> doAcquireLease(String group, String resource, String owner,
      Duration ttl) {
    return leases.acquire(group, resource, owner, ttl);
  }

  @Override
  protected boolean doReleaseLease(String group, String resource, String owner) {
    return leases.release(group, resource, owner);
  }

  @Override
  protected List<Lease> doLeases(String group) {
    return leases.list(group);
  }

  @Override
  protected void doClose() {
    if (ownsClient) {
      client.close();
    }
  }
}
