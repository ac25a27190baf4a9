package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.internal.KeyLayout.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.redis.internal.CommitEncoding;
import io.orchestrix.projection.redis.internal.ConnectionSettings;
import io.orchestrix.projection.redis.internal.DeadLetterEncoding;
import io.orchestrix.projection.redis.internal.DocumentEncoding;
import io.orchestrix.projection.redis.internal.KeyLayout;
import io.orchestrix.projection.redis.internal.LuaScript;
import io.orchestrix.projection.redis.internal.RedisErrors;
import io.orchestrix.projection.redis.internal.StateEncoding;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
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
 * front), rather than one key or one hash per document: a batch loads all the documents it needs with
 * one {@code HMGET}, {@link #count} is {@code HLEN}, a reset removes a handful of keys, and a document
 * costs a hash field instead of a whole key. The JSON is kept as text, not spread over hash fields,
 * because the engine reads and writes whole documents and queries go through the indexes, never
 * through document fields. Each value of an index has a set of the ids of the documents with that
 * value, so a query by value is one {@code SMEMBERS} and one {@code HMGET}, and an update or delete
 * moves the document's id between sets in constant time; queries never scan the keyspace. A sorted set
 * of all ids gives {@link #page} a stable lexicographic order.
 *
 * <h2>Commits</h2>
 *
 * <p>{@link #commit} is one {@code EVALSHA} of a Lua script (sent whole only when the server does not
 * have it yet): one round trip, atomic, isolated from every other client. The script first checks the
 * fencing token and the checkpoint and the Redis type of every key it will write, and only then
 * writes, with one variadic command per key, so a refused commit or a foreign key of the wrong type
 * writes nothing. If the connection drops, the commit is sent once more on a fresh connection; the
 * checkpoint and the writer's token tell whether the first attempt was applied, so the commit is applied
 * once or not at all. After a crash of the server, Redis holds the commits it acknowledged as far as
 * its persistence settings ({@code appendonly}, {@code appendfsync}) keep them, each whole or not at
 * all.
 *
 * <p>Runs on a single Redis server (or a primary with replicas). The scripts build key names from the
 * prefix, so a Redis Cluster would need a prefix with a hash tag ({@code {orders}:}) to keep all keys
 * in one slot; that is not tested.
 *
 * <p>Thread-safe: share one instance. Arguments are non-null unless marked. Failures raise
 * {@link StoreException}: transient when the server is unreachable or the connection dropped (the
 * message names {@code host:port}, never the password), not transient for refused credentials, a
 * failed TLS handshake, or a key under the prefix holding the wrong Redis type (the message names the
 * key). None of them leaves part of a commit visible.
 */
public final class RedisProjectionStore implements ProjectionStore {

  private static final byte[] PAGE = bytes("page");
  private static final byte[] INDEX = bytes("index");

  private final UnifiedJedis jedis;
  private final boolean ownsClient;
  private final RedisStoreOptions options;
  private final KeyLayout keys;
  private final RedisErrors errors;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisProjectionStore(UnifiedJedis jedis, boolean ownsClient, RedisStoreOptions options,
      RedisErrors errors, String description) {
    this.jedis = jedis;
    this.ownsClient = ownsClient;
    this.options = options;
    this.keys = new KeyLayout(options.keyPrefix());
    this.errors = errors;
    this.description = description;
  }

  /** Opens a store on the server a URI names, with no properties. See {@link #open(String, Map)}. */
  public static RedisProjectionStore open(String uri) {
    return open(uri, Map.of());
  }

  /**
   * Opens a store with its own connection pool on the server a URI names, and checks that the server
   * answers.
   *
   * @param uri {@code redis://[user[:password]@]host[:port][/database]} or {@code rediss://...}
   * @param properties keys of {@link RedisStoreProperties}; any other key is refused
   * @throws io.orchestrix.projection.StoreConfigurationException for a malformed URI or property
   * @throws StoreException if the server cannot be reached (transient) or refuses the credentials (not
   *     transient); the message names {@code host:port} and never the password
   */
  public static RedisProjectionStore open(String uri, Map<String, String> properties) {
    Objects.requireNonNull(uri, "uri must not be null");
    Objects.requireNonNull(properties, "properties must not be null");
    ConnectionSettings settings = ConnectionSettings.parse(uri, properties);
    RedisErrors errors = new RedisErrors("Redis at " + settings.address(),
        settings.options().keyPrefix(), settings.password(), settings.tls());
    UnifiedJedis client = RedisClient.builder()
        .hostAndPort(settings.host(), settings.port())
        .clientConfig(clientConfig(settings))
        .poolConfig(poolConfig(settings))
        .build();
    RedisProjectionStore store = new RedisProjectionStore(client, true, settings.options(), errors,
        settings.redactedUri() + " (key prefix '" + settings.options().keyPrefix() + "')");
    try {
      store.checkLayout();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return store;
  }

  /**
   * A store over a client the application owns (a {@code RedisClient}, or a cluster client with a
   * hash-tagged key prefix), checking the data under the prefix as {@link #open(String, Map)} does.
   * The store never closes the client.
   *
   * @throws io.orchestrix.projection.StoreConfigurationException if the data under the prefix was
   *     written by a version of this store with another key layout
   * @throws StoreException if the server cannot be reached
   */
  public static RedisProjectionStore create(UnifiedJedis client, RedisStoreOptions options) {
    Objects.requireNonNull(client, "client must not be null");
    Objects.requireNonNull(options, "options must not be null");
    RedisErrors errors = new RedisErrors("Redis (client supplied by the application)",
        options.keyPrefix(), null, false);
    RedisProjectionStore store = new RedisProjectionStore(client, false, options, errors,
        "Redis client supplied by the application (key prefix '" + options.keyPrefix() + "')");
    store.checkLayout();
    return store;
  }

  /** Records this code's key layout under a fresh prefix, or refuses data of another layout. */
  private void checkLayout() {
    String operation = "open " + description;
    List<?> reply = expectOk(operation, script(operation, LuaScript.CHECK_LAYOUT,
        List.of(keys.meta()), List.of(bytes(Integer.toString(KeyLayout.VERSION)))));
    String stored = text(reply.get(1));
    int version;
    try {
      version = Integer.parseInt(stored);
    } catch (NumberFormatException e) {
      throw errors.unreadable("the layout version", keys.meta(), "'" + stored + "' is not a number");
    }
    if (version > KeyLayout.VERSION) {
      throw new StoreConfigurationException("cannot " + operation + ": its keys were written by a"
          + " newer version of the Redis store (layout " + version + "; this code knows layout "
          + KeyLayout.VERSION + "); upgrade store-redis, or use another key prefix", null);
    }
    if (version < KeyLayout.VERSION) {
      throw new StoreConfigurationException("cannot " + operation + ": its keys were written by an"
          + " older version of the Redis store (layout " + version + ", whose indexes this code"
          + " does not read; this code knows layout " + KeyLayout.VERSION + "); use another key"
          + " prefix and replay the projections into it, or delete the keys under '"
          + options.keyPrefix() + "' and replay", null);
    }
  }

  /** The options this store runs with. */
  public RedisStoreOptions options() {
    return options;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return "RedisProjectionStore[" + description + "]";
  }

  @Override
  public Optional<ProjectionState> loadState(String projectionId) {
    ProjectionIds.requireValid(projectionId);
    String key = keys.state(projectionId);
    Map<String, String> hash =
        call("load the state of projection '" + projectionId + "'", () -> jedis.hgetAll(key), key);
    try {
      return StateEncoding.decode(projectionId, hash);
    } catch (RuntimeException e) {
      throw errors.unreadable("the state of projection '" + projectionId + "'", key,
          String.valueOf(e.getMessage()));
    }
  }

  @Override
  public void saveState(ProjectionState state) {
    Objects.requireNonNull(state, "state must not be null");
    String operation = "save the state of projection '" + state.projectionId() + "'";
    List<byte[]> set = StateEncoding.fieldsToSet(state);
    List<byte[]> args = new ArrayList<>(set.size() + 3);
    args.add(bytes(Integer.toString(set.size() / 2)));
    args.addAll(set);
    args.addAll(StateEncoding.fieldsToDelete(state));
    String key = keys.state(state.projectionId());
    expectOk(operation, script(operation, LuaScript.SAVE_STATE, List.of(key), args));
  }

  @Override
  public void prepareReadModel(ReadModelSchema schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    String name = schema.name();
    String operation = "prepare read model '" + name + "'";
    List<byte[]> args = new ArrayList<>(schema.indexes().size() + 1);
    args.add(bytes(keys.readModelBase(name)));
    schema.indexes().forEach(index -> args.add(bytes(index)));
    expectOk(operation, script(operation, LuaScript.PREPARE_READ_MODEL,
        List.of(keys.documents(name), keys.ids(name), keys.indexNames(name)), args));
  }

  @Override
  public long claimWriter(String projectionId) {
    ProjectionIds.requireValid(projectionId);
    String operation = "claim projection '" + projectionId + "'";
    ProjectionState initial = ProjectionState.initial(projectionId, options.clock().instant());
    List<?> reply = expectOk(operation, script(operation, LuaScript.CLAIM_WRITER,
        List.of(keys.state(projectionId)), StateEncoding.fieldsToSet(initial)));
    return (Long) reply.get(1);
  }

  @Override
  public void commit(Commit commit) {
    Objects.requireNonNull(commit, "commit must not be null");
    ensureOpen();
    String projectionId = commit.projectionId();
    String operation = "commit projection '" + projectionId + "' at position "
        + commit.state().lastProcessedPosition();
    List<byte[]> args =
        CommitEncoding.arguments(keys.prefix(), commit, options.maxDocumentBytes());
    List<byte[]> stateKey = List.of(bytes(keys.state(projectionId)));
    List<?> reply;
    boolean retried = false;
    try {
      reply = (List<?>) LuaScript.COMMIT.run(jedis, stateKey, args);
    } catch (RuntimeException first) {
      if (!RedisErrors.isConnectionFailure(first)) {
        throw errors.translate(operation, first, keys.state(projectionId));
      }
      // the first attempt may or may not have run; the checks below tell which
      try {
        reply = (List<?>) LuaScript.COMMIT.run(jedis, stateKey, args);
        retried = true;
      } catch (RuntimeException second) {
        throw errors.translate(operation, second, keys.state(projectionId));
      }
    }
    String outcome = text(reply.get(0));
    switch (outcome) {
      case "ok" -> { }
      case "fenced" -> throw new WriterFencedException(
          projectionId, commit.writerToken(), Long.parseLong(text(reply.get(1))));
      case "conflict" -> {
        long actual = Long.parseLong(text(reply.get(1)));
        long target = commit.state().lastProcessedPosition();
        // with this writer's token still current, only this writer can have moved the checkpoint
        // to its own target: the lost first attempt was applied
        if (!(retried && actual == target && target != commit.expectedPosition())) {
          throw new CheckpointConflictException(projectionId, commit.expectedPosition(), actual);
        }
      }
      case "wrongtype" -> throw wrongType(operation, reply);
      default -> throw StoreException.failure("cannot " + operation + ": unexpected reply '" + outcome
          + "' from " + errors.server(), projectionId, null);
    }
  }

  @Override
  public void checkDocument(String readModel, StoredDocument document) {
    long size = DocumentEncoding.utf8Length(document.json());
    if (size > options.maxDocumentBytes()) {
      throw CommitEncoding.tooLarge(readModel, document.id(), size, options.maxDocumentBytes());
    }
  }

  @Override
  public Optional<StoredDocument> find(String readModel, String id) {
    ProjectionIds.requireValidName(readModel, "read-model name");
    StoredDocument.requireValidId(id);
    String key = keys.documents(readModel);
    byte[] value = call("read document '" + id + "' of read model '" + readModel + "'",
        () -> jedis.hget(bytes(key), bytes(id)), key);
    return value == null ? Optional.empty() : Optional.of(decode(readModel, key, id, value));
  }

  @Override
  public Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    ProjectionIds.requireValidName(readModel, "read-model name");
    if (ids.isEmpty()) {
      return Map.of();
    }
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
    byte[][] fields = new byte[distinct.size()][];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = bytes(StoredDocument.requireValidId(distinct.get(i)));
    }
    String key = keys.documents(readModel);
    List<byte[]> values = call("read " + fields.length + " documents of read model '" + readModel
        + "'", () -> jedis.hmget(bytes(key), fields), key);
    Map<String, StoredDocument> found = new HashMap<>(values.size() * 2);
    for (int i = 0; i < values.size(); i++) {
      byte[] value = values.get(i);
      if (value != null) {
        found.put(distinct.get(i), decode(readModel, key, distinct.get(i), value));
      }
    }
    return found;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the read model declares no such index
   */
  @Override
  public List<StoredDocument> findByIndex(String readModel, String index, String value) {
    ProjectionIds.requireValidName(readModel, "read-model name");
    ProjectionIds.requireValidName(index, "index name");
    Objects.requireNonNull(value, "value must not be null");
    String operation = "query read model '" + readModel + "' by index '" + index + "'";
    String documentsKey = keys.documents(readModel);
    List<?> reply = (List<?>) script(operation, LuaScript.READ_DOCUMENTS,
        List.of(documentsKey, keys.index(readModel, index, value), keys.indexNames(readModel)),
        List.of(INDEX, bytes(index)));
    if (text(reply.get(0)).equals("noindex")) {
      List<String> declared = new ArrayList<>();
      ((List<?>) reply.get(1)).forEach(name -> declared.add(text(name)));
      declared.sort(null);
      throw new IllegalArgumentException("read model '" + readModel + "' has no index '" + index
          + "'; its declared indexes are " + declared);
    }
    return documents(operation, readModel, documentsKey, reply, true);
  }

  @Override
  public long count(String readModel) {
    ProjectionIds.requireValidName(readModel, "read-model name");
    String key = keys.documents(readModel);
    return call("count read model '" + readModel + "'", () -> jedis.hlen(key), key);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The order is that of the ids' UTF-8 bytes; a limit of 0 returns an empty page.
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  @Override
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    ProjectionIds.requireValidName(readModel, "read-model name");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative but was " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    String operation = "page through read model '" + readModel + "'";
    String documentsKey = keys.documents(readModel);
    byte[] from = bytes(afterId == null ? "-" : "(" + afterId);
    return documents(operation, readModel, documentsKey, script(operation, LuaScript.READ_DOCUMENTS,
        List.of(documentsKey, keys.ids(readModel)),
        List.of(PAGE, from, bytes(Integer.toString(limit)))), false);
  }

  @Override
  public List<DeadLetter> deadLetters(String projectionId) {
    ProjectionIds.requireValid(projectionId);
    String operation = "read the dead letters of projection '" + projectionId + "'";
    String key = keys.deadLetters(projectionId);
    List<?> reply = expectOk(operation,
        script(operation, LuaScript.DEAD_LETTERS, List.of(key), List.of()));
    List<DeadLetter> letters = new ArrayList<>(reply.size() - 1);
    for (Object entry : reply.subList(1, reply.size())) {
      List<?> pair = (List<?>) entry;
      String position = text(pair.get(0));
      List<?> flat = (List<?>) pair.get(1);
      Map<String, String> fields = new HashMap<>(flat.size());
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        fields.put(text(flat.get(i)), text(flat.get(i + 1)));
      }
      try {
        letters.add(DeadLetterEncoding.decode(projectionId, Long.parseLong(position), fields));
      } catch (RuntimeException e) {
        throw errors.unreadable("a dead letter of projection '" + projectionId + "'",
            key + ":" + position, String.valueOf(e.getMessage()));
      }
    }
    letters.sort(Comparator.comparingLong(DeadLetter::position));
    return letters;
  }

  /** Closes the connection pool if this store opened it; a supplied client is left open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsClient) {
      jedis.close();
    }
  }

  /**
   * The documents of a {@code read_documents.lua} reply, sorted by id in the order of {@link #page}
   * (that of the ids' UTF-8 bytes, as {@code ZRANGEBYLEX} compares them) if {@code sort}.
   */
  private List<StoredDocument> documents(String operation, String readModel, String documentsKey,
      Object scriptReply, boolean sort) {
    List<?> reply = expectOk(operation, scriptReply);
    List<?> ids = (List<?>) reply.get(1);
    List<?> values = (List<?>) reply.get(2);
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (sort) {
      Arrays.sort(order, (a, b) ->
          Arrays.compareUnsigned((byte[]) ids.get(a), (byte[]) ids.get(b)));
    }
    List<StoredDocument> documents = new ArrayList<>(ids.size());
    for (int i : order) {
      Object value = i < values.size() ? values.get(i) : null;
      if (value != null) {
        String id = text(ids.get(i));
        documents.add(decode(readModel, documentsKey, id, (byte[]) value));
      }
    }
    return documents;
  }

  private StoredDocument decode(String readModel, String key, String id, byte[] value) {
    try {
      return DocumentEncoding.decode(id, value);
    } catch (IllegalArgumentException e) {
      throw errors.unreadable("document '" + id + "' of read model '" + readModel + "'", key,
          String.valueOf(e.getMessage()));
    }
  }

  private Object script(String operation, LuaScript script, List<String> keyNames, List<byte[]> args) {
    List<byte[]> keyBytes = new ArrayList<>(keyNames.size());
    keyNames.forEach(key -> keyBytes.add(bytes(key)));
    return call(operation, () -> script.run(jedis, keyBytes, args), keyNames.toArray(String[]::new));
  }

  private List<?> expectOk(String operation, Object reply) {
    List<?> list = (List<?>) reply;
    String outcome = text(list.get(0));
    if (outcome.equals("ok")) {
      return list;
    }
    if (outcome.equals("wrongtype")) {
      throw wrongType(operation, list);
    }
    throw StoreException.failure("cannot " + operation + ": unexpected reply '" + outcome + "' from "
        + errors.server(), null, null);
  }

  private StoreException wrongType(String operation, List<?> reply) {
    return errors.wrongType(operation, text(reply.get(1)), text(reply.get(2)), text(reply.get(3)));
  }

  /** Runs an idempotent call, once more if the connection dropped, and translates failures. */
  private <T> T call(String operation, Supplier<T> action, String... keyNames) {
    ensureOpen();
    try {
      return action.get();
    } catch (RuntimeException first) {
      if (!RedisErrors.isConnectionFailure(first) || closed.get()) {
        throw errors.translate(operation, first, keyNames);
      }
      try {
        return action.get();
      } catch (RuntimeException second) {
        throw errors.translate(operation, second, keyNames);
      }
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw StoreException.failure("the store " + description + " is closed", null, null);
    }
  }

  private static String text(Object reply) {
    return reply instanceof byte[] raw ? new String(raw, UTF_8) : String.valueOf(reply);
  }

  private static DefaultJedisClientConfig clientConfig(ConnectionSettings settings) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(settings.connectTimeoutMillis())
        .socketTimeoutMillis(settings.socketTimeoutMillis())
        .database(settings.database());
    if (settings.user() != null) {
      config.user(settings.user());
    }
    if (settings.password() != null) {
      config.password(settings.password());
    }
    if (settings.clientName() != null) {
      config.clientName(settings.clientName());
    }
    if (settings.tls()) {
      // FULL also checks that the certificate names the host
      SslOptions.Builder tls = SslOptions.builder()
          .sslVerifyMode(settings.verifyHostname() ? SslVerifyMode.FULL : SslVerifyMode.CA);
      Path trustStore = settings.trustStore();
      if (trustStore != null) {
        String password = settings.trustStorePassword();
        tls.truststore(trustStore.toFile(), password == null ? null : password.toCharArray())
            .trustStoreType(trustStore.toString().toLowerCase(Locale.ROOT).endsWith(".jks")
                ? "JKS" : "PKCS12");
      }
      config.sslOptions(tls.build());
    }
    return config.build();
  }

  private static ConnectionPoolConfig poolConfig(ConnectionSettings settings) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(settings.poolMaxTotal());
    pool.setMaxIdle(settings.poolMaxTotal());
    pool.setMinIdle(0);
    pool.setMaxWait(Duration.ofMillis(settings.connectTimeoutMillis() + (long) settings.socketTimeoutMillis()));
    return pool;
  }
}
