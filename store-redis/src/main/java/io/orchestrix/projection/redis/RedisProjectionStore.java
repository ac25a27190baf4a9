package io.orchestrix.projection.redis;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.redis.internal.CommitEncoding;
import io.orchestrix.projection.redis.internal.CommitWriter;
import io.orchestrix.projection.redis.internal.ConnectionSettings;
import io.orchestrix.projection.redis.internal.KeyLayout;
import io.orchestrix.projection.redis.internal.LeaseRecords;
import io.orchestrix.projection.redis.internal.ProjectionRecords;
import io.orchestrix.projection.redis.internal.ReadModelStorage;
import io.orchestrix.projection.redis.internal.RedisClients;
import io.orchestrix.projection.redis.internal.RedisCommands;
import io.orchestrix.projection.redis.internal.RedisErrors;
import io.orchestrix.projection.redis.internal.StoredLayout;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.spi.support.AbstractProjectionStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * Projection state, read models and dead letters in Redis, through Jedis. Open one with
 * {@link #open(String, Map)} ({@code redis://host:6379/0}, {@code rediss://} for TLS; properties in
 * {@link RedisStoreProperties}) or through {@code ProjectionStores.open}, or wrap a client the
 * application already has with {@link #create(UnifiedJedis, RedisStoreOptions)}.
 *
 * <h2>Data</h2>
 *
 * <p>Every key starts with the key prefix (the full layout is in the module's README). Each read model
 * keeps its documents in one hash, id to JSON (with the document's position and index values in
 * front): a batch loads all the documents it needs with one {@code HMGET}, {@link #count} is
 * {@code HLEN}, a reset removes a handful of keys. Each value of an index has a set of the ids of the
 * documents with that value, so a query by value is one {@code SMEMBERS} and one {@code HMGET}; queries
 * never scan the keyspace. A sorted set of all ids gives {@link #page} a stable order, that of the
 * ids' UTF-8 bytes. Ids and index values are kept byte for byte: two that differ in any character,
 * case or trailing space included, are two documents or two values.
 *
 * <h2>Commits</h2>
 *
 * <p>{@link #commit} is one {@code EVALSHA} of a Lua script (sent whole only when the server does not
 * have it yet): one round trip, atomic, isolated from every other client. The script checks the
 * fencing token, the checkpoint and the Redis type of every key it will write before it writes
 * anything, so a refused commit or a foreign key of the wrong type writes nothing. After a crash of
 * the server, Redis holds the commits it acknowledged as far as its persistence settings
 * ({@code appendonly}, {@code appendfsync}) keep them, each whole or not at all.
 *
 * <h2>Partitions and leases</h2>
 *
 * <p>A document written by a commit of one partition carries that partition in its stored value and
 * its id sits in a set per partition. The commit script reads the documents a commit replaces before
 * it writes anything, so a commit of a partition that puts or deletes another partition's document is
 * refused whole with {@link io.orchestrix.projection.PartitionConflictException}, atomically with the
 * write; a partition's reset reads only its own set. A commit that is not partitioned pays one byte
 * comparison per document it replaces. Data of the previous key layout (2, no partitions) is upgraded
 * in place when a store opens it.
 *
 * <p>Each lease call is one script: expiry is judged by the server's clock ({@code TIME}), never the
 * node's, and epochs come from one counter under the key prefix. An expired lease stays listed for a
 * day after it expired; then Redis deletes its key.
 *
 * <h2>Failures</h2>
 *
 * <p>A call whose connection is refused, dropped or killed is sent once more on a fresh connection
 * (a commit too: it is fenced, so it is applied once or not at all). What still fails raises a
 * {@link StoreException}: {@link io.orchestrix.projection.FailureKind#TRANSIENT} for an outage (the
 * server unreachable, a dropped connection, a timeout, no pooled connection free in time, a server
 * loading, busy with a script, read-only or out of memory), which a runner waits out;
 * {@link io.orchestrix.projection.FailureKind#FATAL} for refused credentials, a failed TLS set-up, a
 * key under the prefix holding the wrong Redis type (the message names the key) and any other error
 * the server replies. Messages name the server as {@code host:port}, never the password. None of them
 * leaves part of a commit visible.
 *
 * <p>Runs on a single Redis server (or a primary with replicas). The scripts build key names from the
 * prefix, so a Redis Cluster would need a prefix with a hash tag ({@code {orders}:}) to keep all keys
 * in one slot; that is not tested.
 *
 * <p>Thread-safe: share one instance. Arguments are checked as {@link AbstractProjectionStore} says.
 */
public final class RedisProjectionStore extends AbstractProjectionStore {

  private final RedisCommands commands;
  private final RedisStoreOptions options;
  private final RedisErrors errors;
  private final ReadModelStorage readModels;
  private final ProjectionRecords projections;
  private final CommitWriter commits;
  private final LeaseRecords leases;

  private RedisProjectionStore(String description, RedisCommands commands, RedisStoreOptions options,
      RedisErrors errors) {
    super(description);
    this.commands = commands;
    this.options = options;
    this.errors = errors;
    KeyLayout keys = new KeyLayout(options.keyPrefix());
    this.readModels = new ReadModelStorage(commands, keys, errors);
    this.projections = new ProjectionRecords(commands, keys, errors);
    this.commits = new CommitWriter(commands, keys, options.maxDocumentBytes());
    this.leases = new LeaseRecords(commands, keys, errors);
    call("opening " + description, null, () -> {
      StoredLayout.check(commands, keys, errors, description);
      return null;
    });
  }

  /**
   * Opens a store on the server a URI names, with no properties. See {@link #open(String, Map)}.
   *
   * @param uri {@code redis://[user[:password]@]host[:port][/database]} or {@code rediss://...}
   * @return the open store, which owns its connection pool and closes it
   */
  public static RedisProjectionStore open(String uri) {
    return open(uri, Map.of());
  }

  /**
   * Opens a store with its own connection pool on the server a URI names, and checks the data under
   * the key prefix.
   *
   * @param uri {@code redis://[user[:password]@]host[:port][/database]} or {@code rediss://...}
   * @param properties keys of {@link RedisStoreProperties}; any other key is refused
   * @return the open store, which owns its connection pool and closes it
   * @throws io.orchestrix.projection.StoreConfigurationException for a malformed URI or property,
   *     before any connection is made, or for data of another key layout under the prefix
   * @throws StoreException if the server cannot be reached (transient) or refuses the credentials
   *     (fatal); the message names {@code host:port} and never the password
   */
  public static RedisProjectionStore open(String uri, Map<String, String> properties) {
    Objects.requireNonNull(uri, "uri must not be null");
    Objects.requireNonNull(properties, "properties must not be null");
    RedisStoreOptions.Builder builder = RedisStoreOptions.builder();
    ConnectionSettings settings = ConnectionSettings.parse(uri, properties, RedisStoreProperties.ALL,
        optionSetters(builder));
    RedisStoreOptions options = builder.build();
    RedisErrors errors = RedisErrors.of(settings, options.keyPrefix());
    RedisCommands commands = RedisCommands.owning(RedisClients.pooled(settings), errors);
    try {
      return new RedisProjectionStore(settings.uri().redacted() + " (key prefix '"
          + options.keyPrefix() + "')", commands, options, errors);
    } catch (RuntimeException e) {
      commands.close();
      throw e;
    }
  }

  /** The setters of the options a URI's properties carry, for {@link ConnectionSettings#parse}. */
  static ConnectionSettings.OptionSetters optionSetters(RedisStoreOptions.Builder builder) {
    return new ConnectionSettings.OptionSetters() {
      @Override
      public void keyPrefix(String keyPrefix) {
        builder.keyPrefix(keyPrefix);
      }

      @Override
      public void maxDocumentBytes(int maxDocumentBytes) {
        builder.maxDocumentBytes(maxDocumentBytes);
      }
    };
  }

  /**
   * A store over a client the application owns (a {@code RedisClient}, or a cluster client with a
   * hash-tagged key prefix), checking the data under the prefix as {@link #open(String, Map)} does.
   * The store never closes the client.
   *
   * @param client the application's client; not null
   * @param options the options; not null
   * @return the store
   * @throws io.orchestrix.projection.StoreConfigurationException if the data under the prefix was
   *     written by a version of this store with another key layout
   * @throws StoreException if the server cannot be reached
   */
  public static RedisProjectionStore create(UnifiedJedis client, RedisStoreOptions options) {
    Objects.requireNonNull(client, "client must not be null");
    Objects.requireNonNull(options, "options must not be null");
    RedisErrors errors = RedisErrors.ofSuppliedClient(options.keyPrefix());
    return new RedisProjectionStore("Redis client supplied by the application (key prefix '"
        + options.keyPrefix() + "')", RedisCommands.borrowing(client, errors), options, errors);
  }

  /** {@return the options this store runs with} */
  public RedisStoreOptions options() {
    return options;
  }

  @Override
  public String toString() {
    return "RedisProjectionStore[" + description() + "]";
  }

  @Override
  protected void doPrepareReadModel(ReadModelSchema schema) {
    readModels.prepare(schema);
  }

  @Override
  protected long doClaimWriter(String projectionId) {
    return projections.claimWriter(projectionId, options.clock().instant());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Refuses a document over {@code max-document-bytes}. The engine calls this at each save, and
   * the commit checks the same limit again, but there the JSON is encoded to UTF-8 to be sent anyway,
   * so that check costs a comparison of lengths; here the bytes are counted only for a document whose
   * length in characters does not settle it (see {@link CommitEncoding#requireWithinLimit}).
   */
  @Override
  protected void doCheckDocument(String readModel, StoredDocument document) {
    CommitEncoding.requireWithinLimit(readModel, document, options.maxDocumentBytes());
  }

  @Override
  protected void doCommit(Commit commit) {
    commits.commit(commit);
  }

  @Override
  protected Optional<ProjectionState> doLoadState(String projectionId) {
    return projections.loadState(projectionId);
  }

  @Override
  protected void doSaveState(ProjectionState state) {
    projections.saveState(state);
  }

  @Override
  protected Optional<StoredDocument> doFind(String readModel, String id) {
    return readModels.find(readModel, id);
  }

  @Override
  protected Map<String, StoredDocument> doFindAll(String readModel, List<String> ids) {
    return readModels.findAll(readModel, ids);
  }

  @Override
  protected List<StoredDocument> doFindByIndex(String readModel, String index, String value) {
    return readModels.findByIndex(readModel, index, value);
  }

  @Override
  protected long doCount(String readModel) {
    return readModels.count(readModel);
  }

  /** {@inheritDoc} The order is that of the ids' UTF-8 bytes. */
  @Override
  protected List<StoredDocument> doPage(String readModel, @Nullable String afterId, int limit) {
    return readModels.page(readModel, afterId, limit);
  }

  @Override
  protected List<DeadLetter> doDeadLetters(String projectionId) {
    return projections.deadLetters(projectionId);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One script: expiry is judged by the Redis server's clock ({@code TIME}), and the epoch of a
   * lease taken afresh comes from one counter under the key prefix ({@code INCR}).
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

  /**
   * {@inheritDoc}
   *
   * <p>An expired lease is listed for one day after it expired (unless it is
   * taken or released); then Redis deletes its key and it is no longer listed.
   */
  @Override
  protected List<Lease> doLeases(String group) {
    return leases.list(group);
  }

  /** Closes the connection pool if this store opened it; a supplied client is left open. */
  @Override
  protected void doClose() {
    commands.close();
  }

  @Override
  protected StoreException translate(
      String operation, @Nullable String projectionId, RuntimeException failure) {
    if (isClosed()) {
      return StoreException.failure("store " + description() + " is closed", projectionId, failure);
    }
    return errors.translate(operation, projectionId, failure);
  }
}
