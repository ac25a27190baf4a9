package io.orchestrix.projection.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.spi.support.StoreUris;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.jdbc.internal.Dialect;
import io.orchestrix.projection.jdbc.internal.Dialects;
import io.orchestrix.projection.jdbc.internal.Pools;
import io.orchestrix.projection.jdbc.internal.ReadModelTable;
import io.orchestrix.projection.jdbc.internal.SchemaManager;
import io.orchestrix.projection.jdbc.internal.SqlErrors;
import io.orchestrix.projection.jdbc.internal.TableNames;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * A durable {@link ProjectionStore} on PostgreSQL, MariaDB or H2 through Jdbi 3.
 *
 * <h2>Opening</h2>
 * {@link #open(String, Map)} (or {@code ProjectionStores.open("jdbc:postgresql://...")}) opens its own
 * HikariCP pool, closed by {@link #close()}; on PostgreSQL it adds {@code reWriteBatchedInserts=true}
 * to the URL unless the URL sets it. {@link #create(DataSource, JdbcStoreOptions)} and
 * {@link #create(Jdbi, JdbcStoreOptions)} use the caller's pool, which {@link #close()} leaves open.
 * Opening creates or migrates the store's tables (see {@link JdbcStoreOptions} for their names).
 *
 * <h2>Tables</h2>
 * Each read model is a table keyed by document id, with the JSON ({@code jsonb} on PostgreSQL), the
 * position of the last event that changed the document, and one real, indexed column per declared
 * index. An index declared later is added as a column: it holds values for documents written after,
 * so replay the projection to index older documents.
 *
 * <h2>Commit</h2>
 * One transaction: a conditional {@code UPDATE} of the projection's state row that matches only the
 * expected checkpoint and the writer's token (it locks the row, so concurrent committers queue and
 * all but one find the checkpoint moved), then, per read model, one batched upsert and one batched
 * delete with each document written once, then the dead letters. A batch of 1,000 events thus costs a
 * handful of round trips whatever the number of documents.
 *
 * <h2>Contract</h2>
 * Thread-safe. No method accepts or returns null, except {@code afterId} of {@link #page}. Failures
 * are {@link StoreException}s, transient for lost connections, deadlocks and timeouts, with messages
 * that never show a password; {@link #commit} also throws the typed conflicts of {@link
 * ProjectionStore#commit}. After a crash at any point, a commit is either entirely visible or not at
 * all.
 */
public final class JdbcProjectionStore implements ProjectionStore {

  /** The longest document JSON accepted, in characters (4 MiB). */
  public static final int MAX_DOCUMENT_LENGTH = 4 * 1024 * 1024;
  /** The longest index value accepted, in characters. */
  public static final int MAX_INDEX_VALUE_LENGTH = 512;

  private static final int CLAIM_ATTEMPTS = 5;
  private static final int IDS_PER_QUERY = 1000;

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final JdbcStoreOptions options;
  private final TableNames names;
  private final SchemaManager schemaManager;
  private final String description;
  private final @Nullable AutoCloseable ownedPool;
  private final ConcurrentMap<String, ReadModelTable> readModels = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private JdbcProjectionStore(Jdbi jdbi, Dialect dialect, JdbcStoreOptions options, String description,
      @Nullable AutoCloseable ownedPool) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.options = options;
    this.names = new TableNames(options.schema().orElse(null), options.tablePrefix());
    this.description = description;
    this.ownedPool = ownedPool;
    this.schemaManager = new SchemaManager(dialect, names, description);
  }

  /**
   * Opens a store with its own connection pool on a JDBC URL ({@code jdbc:postgresql:},
   * {@code jdbc:mariadb:} or {@code jdbc:h2:}), taking options from properties
   * ({@link JdbcStoreOptions#PROPERTY_KEYS}).
   *
   * @throws StoreConfigurationException for an unsupported URL, an unknown property key or a bad
   *     value, or tables of a newer schema version
   * @throws StoreException (transient) if the database cannot be reached; the message names the URL
   *     without its password
   */
  public static JdbcProjectionStore open(String url, Map<String, String> properties) {
    return open(url, JdbcStoreOptions.fromProperties(properties));
  }

  /** Opens a store with its own connection pool; see {@link #open(String, Map)}. */
  public static JdbcProjectionStore open(String url, JdbcStoreOptions options) {
    Objects.requireNonNull(url, "url must not be null");
    Objects.requireNonNull(options, "options must not be null");
    String description = StoreUris.redact(url);
    Dialect dialect = dialectOfUrl(url, description);
    HikariDataSource pool = openPool(url, options, description, dialect);
    try {
      JdbcProjectionStore store = new JdbcProjectionStore(Jdbi.create(pool), dialect, options,
          description + " (tables " + options.schema().map(s -> s + ".").orElse("")
              + options.tablePrefix() + "*)", pool);
      store.migrate();
      return store;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * A store on the caller's data source, which {@link #close()} does not close. The dialect is read
   * from the database's metadata.
   *
   * @throws StoreConfigurationException if the database is not PostgreSQL, MariaDB or H2, or its tables
   *     are of a newer schema version
   * @throws StoreException if the database cannot be reached
   */
  public static JdbcProjectionStore create(DataSource dataSource, JdbcStoreOptions options) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    return create(Jdbi.create(dataSource), options);
  }

  /** A store on the caller's Jdbi, whose connections it uses; see {@link #create(DataSource, JdbcStoreOptions)}. */
  public static JdbcProjectionStore create(Jdbi jdbi, JdbcStoreOptions options) {
    Objects.requireNonNull(jdbi, "jdbi must not be null");
    Objects.requireNonNull(options, "options must not be null");
    Dialects.Connected connected = Dialects.of(jdbi);
    Dialect dialect = connected.dialect();
    String url = connected.redactedUrl();
    JdbcProjectionStore store = new JdbcProjectionStore(jdbi, dialect, options,
        url + " (tables " + options.schema().map(s -> s + ".").orElse("") + options.tablePrefix() + "*)",
        null);
    store.migrate();
    return store;
  }

  private static Dialect dialectOfUrl(String url, String description) {
    return Dialects.forUrl(url, description);
  }

  private static HikariDataSource openPool(String url, JdbcStoreOptions options, String description,
      Dialect dialect) {
    return Pools.open(url, description, dialect, options.poolSize(), options.connectionTimeout().toMillis());
  }

  private void migrate() {
    call("opening the schema", null, () -> {
      schemaManager.migrate(jdbi);
      return null;
    });
  }

  @Override
  public String description() {
    return description;
  }

  /** The options this store was opened with. */
  public JdbcStoreOptions options() {
    return options;
  }

  /** The database this store works on: {@code PostgreSQL}, {@code MariaDB} or {@code H2}. */
  public String databaseName() {
    return dialect.name();
  }

  @Override
  public void prepareReadModel(ReadModelSchema schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    ReadModelTable known = readModels.get(schema.name());
    if (known != null && known.indexes().equals(schema.indexes())) {
      return;
    }
    ReadModelTable table = call("preparing read model '" + schema.name() + "'", null,
        () -> schemaManager.prepare(jdbi, schema));
    readModels.put(schema.name(), table);
  }

  // ---- state

  @Override
  public Optional<ProjectionState> loadState(String projectionId) {
    ProjectionIds.requireValid(projectionId);
    return call("loading the state of projection '" + projectionId + "'", projectionId,
        () -> jdbi.withHandle(handle -> handle.createQuery("SELECT projection_id, last_event_id,"
                + " last_position, error_count, healthy, last_error, failed_position, updated_at FROM "
                + names.state() + " WHERE projection_id = :p")
            .bind("p", projectionId)
            .map((rs, ctx) -> stateOf(rs)).findOne()));
  }

  private static ProjectionState stateOf(ResultSet rs) throws SQLException {
    return new ProjectionState(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
        rs.getBoolean(5), rs.getString(6), rs.getLong(7), Instant.parse(rs.getString(8)));
  }

  @Override
  public void saveState(ProjectionState state) {
    Objects.requireNonNull(state, "state must not be null");
    String projectionId = state.projectionId();
    call("saving the state of projection '" + projectionId + "'", projectionId, () -> {
      retryOnDuplicate(() -> jdbi.useTransaction(handle -> {
        int updated = bindState(handle.createUpdate("UPDATE " + names.state() + " SET "
            + STATE_ASSIGNMENTS + " WHERE projection_id = :projectionId"), state).execute();
        if (updated == 0) {
          insertState(handle, state, 0);
        }
      }));
      return null;
    });
  }

  private static final String STATE_ASSIGNMENTS = "last_event_id = :lastEventId,"
      + " last_position = :lastPosition, error_count = :errorCount, healthy = :healthy,"
      + " last_error = :lastError, failed_position = :failedPosition, updated_at = :updatedAt";

  private static <S extends SqlStatement<S>> S bindState(S statement, ProjectionState state) {
    return statement.bind("projectionId", state.projectionId())
        .bindByType("lastEventId", state.lastProcessedEventId(), String.class)
        .bind("lastPosition", state.lastProcessedPosition())
        .bind("errorCount", state.errorCount())
        .bind("healthy", state.healthy())
        .bindByType("lastError", state.lastError(), String.class)
        .bind("failedPosition", state.failedPosition())
        .bind("updatedAt", state.updatedAt().toString());
  }

  private void insertState(Handle handle, ProjectionState state, long writerToken) {
    bindState(handle.createUpdate("INSERT INTO " + names.state() + " (projection_id, last_event_id,"
            + " last_position, error_count, healthy, last_error, failed_position, updated_at,"
            + " writer_token) VALUES (:projectionId, :lastEventId, :lastPosition, :errorCount,"
            + " :healthy, :lastError, :failedPosition, :updatedAt, :writerToken)"), state)
        .bind("writerToken", writerToken)
        .execute();
  }

  @Override
  public long claimWriter(String projectionId) {
    ProjectionIds.requireValid(projectionId);
    return call("claiming projection '" + projectionId + "' for a new writer", projectionId,
        () -> retryOnDuplicate(() -> jdbi.inTransaction(handle -> {
          int updated = handle.createUpdate("UPDATE " + names.state()
                  + " SET writer_token = writer_token + 1 WHERE projection_id = :p")
              .bind("p", projectionId).execute();
          if (updated == 0) {
            insertState(handle, ProjectionState.initial(projectionId, options.clock().instant()), 1);
          }
          return handle.createQuery("SELECT writer_token FROM " + names.state()
                  + " WHERE projection_id = :p")
              .bind("p", projectionId).mapTo(Long.class).one();
        })));
  }

  private <T> T retryOnDuplicate(Supplier<T> action) {
    for (int attempt = 1; ; attempt++) {
      try {
        return action.get();
      } catch (JdbiException e) {
        boolean duplicate = SqlErrors.sqlCause(e).map(dialect::isDuplicateKey).orElse(false);
        if (!duplicate || attempt >= CLAIM_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void retryOnDuplicate(Runnable action) {
    retryOnDuplicate(() -> {
      action.run();
      return null;
    });
  }

  // ---- commit

  @Override
  public void commit(Commit commit) {
    Objects.requireNonNull(commit, "commit must not be null");
    String projectionId = commit.projectionId();
    Map<String, ReadModelTable> tables = new LinkedHashMap<>();
    for (ReadModelChanges changes : commit.changes()) {
      Optional<ReadModelTable> table = table(changes.readModel());
      if (table.isPresent()) {
        tables.put(changes.readModel(), table.get());
      } else if (!changes.puts().isEmpty()) {
        throw StoreException.failure("commit of projection '" + projectionId + "' writes read model '"
            + changes.readModel() + "', which has no table in " + description
            + ": call prepareReadModel first", projectionId, null);
      }
      for (StoredDocument document : changes.puts()) {
        checkDocument(changes.readModel(), document);
      }
    }
    List<ReadModelTable> cleared = new ArrayList<>();
    for (String readModel : commit.clearedReadModels()) {
      table(readModel).ifPresent(cleared::add);
    }
    call("commit of projection '" + projectionId + "'", projectionId, () -> {
      jdbi.useTransaction(handle -> {
        moveCheckpoint(handle, commit);
        for (ReadModelTable table : cleared) {
          handle.execute(table.clearSql());
        }
        if (commit.clearsDeadLetters()) {
          handle.createUpdate("DELETE FROM " + names.deadLetter() + " WHERE projection_id = :p")
              .bind("p", projectionId).execute();
        }
        for (ReadModelChanges changes : commit.changes()) {
          ReadModelTable table = tables.get(changes.readModel());
          if (table != null) {
            writeDocuments(handle, table, changes);
          }
        }
        writeDeadLetters(handle, commit);
      });
      return null;
    });
  }

  private void moveCheckpoint(Handle handle, Commit commit) {
    ProjectionState state = commit.state();
    int updated = bindState(handle.createUpdate("UPDATE " + names.state() + " SET "
            + STATE_ASSIGNMENTS + " WHERE projection_id = :projectionId"
            + " AND last_position = :expected AND writer_token = :token"), state)
        .bind("expected", commit.expectedPosition())
        .bind("token", commit.writerToken())
        .execute();
    if (updated == 1) {
      return;
    }
    Optional<long[]> current = handle.createQuery("SELECT last_position, writer_token FROM "
            + names.state() + " WHERE projection_id = :p")
        .bind("p", commit.projectionId())
        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne();
    long position = current.map(c -> c[0]).orElse(0L);
    long token = current.map(c -> c[1]).orElse(0L);
    if (token != commit.writerToken()) {
      throw new WriterFencedException(commit.projectionId(), commit.writerToken(), token);
    }
    if (current.isPresent() || commit.expectedPosition() != 0) {
      throw new CheckpointConflictException(commit.projectionId(), commit.expectedPosition(), position);
    }
    try {
      insertState(handle, state, 0);
    } catch (JdbiException e) {
      if (SqlErrors.sqlCause(e).map(dialect::isDuplicateKey).orElse(false)) {
        throw new CheckpointConflictException(commit.projectionId(), 0, 0);
      }
      throw e;
    }
  }

  private static void writeDocuments(Handle handle, ReadModelTable table, ReadModelChanges changes) {
    if (!changes.deletes().isEmpty()) {
      PreparedBatch deletes = handle.prepareBatch(table.deleteSql());
      changes.deletes().forEach(id -> deletes.bind("id", id).add());
      deletes.execute();
    }
    if (!changes.puts().isEmpty()) {
      PreparedBatch upserts = handle.prepareBatch(table.upsertSql());
      changes.puts().forEach(document -> table.addUpsert(upserts, document));
      upserts.execute();
    }
  }

  private void writeDeadLetters(Handle handle, Commit commit) {
    // added before removed, as Commit specifies: a position both added and removed ends up removed
    if (!commit.deadLettersAdded().isEmpty()) {
      Map<Long, DeadLetter> byPosition = new LinkedHashMap<>();
      commit.deadLettersAdded().forEach(d -> byPosition.put(d.position(), d));
      List<String> columns = List.of("projection_id", "event_position", "event_id", "stream_id",
          "event_type", "envelope_json", "handler_name", "error_type", "error_message", "stack_trace",
          "attempts", "first_failure_at", "last_failure_at");
      PreparedBatch adds = handle.prepareBatch(dialect.upsert(names.deadLetter(),
          List.of("projection_id", "event_position"), columns,
          columns.stream().map(c -> ":" + c).toList()));
      for (DeadLetter d : byPosition.values()) {
        adds.bind("projection_id", d.projectionId()).bind("event_position", d.position())
            .bind("event_id", d.eventId()).bind("stream_id", d.streamId())
            .bind("event_type", d.eventType()).bind("envelope_json", d.envelopeJson())
            .bind("handler_name", d.handler()).bind("error_type", d.errorType())
            .bind("error_message", d.errorMessage()).bind("stack_trace", d.stackTrace())
            .bind("attempts", d.attempts()).bind("first_failure_at", d.firstFailureAt().toString())
            .bind("last_failure_at", d.lastFailureAt().toString()).add();
      }
      adds.execute();
    }
    if (!commit.deadLettersRemoved().isEmpty()) {
      PreparedBatch removes = handle.prepareBatch("DELETE FROM " + names.deadLetter()
          + " WHERE projection_id = :p AND event_position = :position");
      for (long position : new LinkedHashSet<>(commit.deadLettersRemoved())) {
        removes.bind("p", commit.projectionId()).bind("position", position).add();
      }
      removes.execute();
    }
  }

  @Override
  public void checkDocument(String readModel, StoredDocument document) {
    String reason = null;
    if (document.json().length() > MAX_DOCUMENT_LENGTH) {
      reason = "its JSON has " + document.json().length() + " characters, more than the "
          + MAX_DOCUMENT_LENGTH + " the JDBC store accepts";
    } else {
      for (Map.Entry<String, String> index : document.indexValues().entrySet()) {
        if (index.getValue().length() > MAX_INDEX_VALUE_LENGTH) {
          reason = "its value of index '" + index.getKey() + "' has " + index.getValue().length()
              + " characters, more than the " + MAX_INDEX_VALUE_LENGTH + " the JDBC store accepts";
          break;
        }
      }
    }
    if (reason == null) {
      reason = dialect.refusalOf(document.id(), document.json(), document.indexValues().values());
    }
    if (reason != null) {
      throw new InvalidDocumentException("read model '" + readModel + "' cannot store document '"
          + abbreviate(document.id()) + "': " + reason);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  // ---- documents

  private Optional<ReadModelTable> table(String readModel) {
    ReadModelTable known = readModels.get(readModel);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<ReadModelTable> discovered = call("looking up read model '" + readModel + "'", null,
        () -> schemaManager.discover(jdbi, readModel));
    discovered.ifPresent(table -> readModels.putIfAbsent(readModel, table));
    return discovered.map(table -> readModels.get(readModel));
  }

  @Override
  public Optional<StoredDocument> find(String readModel, String id) {
    StoredDocument.requireValidId(id);
    return table(readModel).flatMap(table -> call("finding '" + abbreviate(id) + "' in read model '"
        + readModel + "'", null, () -> jdbi.withHandle(handle -> handle.createQuery(table.findSql())
            .bind("id", id).map(table).findOne())));
  }

  @Override
  public Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    Optional<ReadModelTable> found = table(readModel);
    if (found.isEmpty() || ids.isEmpty()) {
      return Map.of();
    }
    ReadModelTable table = found.get();
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
    return call("finding " + distinct.size() + " documents in read model '" + readModel + "'", null,
        () -> jdbi.withHandle(handle -> {
          Map<String, StoredDocument> documents = new HashMap<>();
          for (int from = 0; from < distinct.size(); from += IDS_PER_QUERY) {
            var query = handle.createQuery(table.findWhereSql(dialect.idIsAnyOf("id")));
            dialect.bindIds(query, distinct.subList(from, Math.min(distinct.size(), from + IDS_PER_QUERY)));
            query.map(table).forEach(d -> documents.put(d.id(), d));
          }
          return documents;
        }));
  }

  @Override
  public List<StoredDocument> findByIndex(String readModel, String index, String value) {
    Objects.requireNonNull(value, "value must not be null");
    Optional<ReadModelTable> found = table(readModel);
    if (found.isEmpty()) {
      return List.of();
    }
    ReadModelTable table = found.get();
    if (!table.indexes().contains(index)) {
      throw new IllegalArgumentException("read model '" + readModel + "' has no index '" + index
          + "'; its indexes are " + table.indexes());
    }
    return call("querying index '" + index + "' of read model '" + readModel + "'", null,
        () -> jdbi.withHandle(handle -> handle.createQuery(table.findByIndexSql(index))
            .bind("value", value).map(table).list()));
  }

  @Override
  public long count(String readModel) {
    return table(readModel).map(table -> call("counting read model '" + readModel + "'", null,
        () -> jdbi.withHandle(handle -> handle.createQuery(table.countSql()).mapTo(Long.class).one())))
        .orElse(0L);
  }

  @Override
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
    }
    return table(readModel).map(table -> call("paging read model '" + readModel + "'", null,
        () -> jdbi.withHandle(handle -> {
          var query = handle.createQuery(table.pageSql(afterId != null)).bind("limit", limit);
          if (afterId != null) {
            query.bind("after", afterId);
          }
          return query.map(table).list();
        }))).orElse(List.of());
  }

  @Override
  public List<DeadLetter> deadLetters(String projectionId) {
    ProjectionIds.requireValid(projectionId);
    return call("listing the dead letters of projection '" + projectionId + "'", projectionId,
        () -> jdbi.withHandle(handle -> handle.createQuery("SELECT projection_id, event_position,"
                + " event_id, stream_id, event_type, envelope_json, handler_name, error_type,"
                + " error_message, stack_trace, attempts, first_failure_at, last_failure_at FROM "
                + names.deadLetter() + " WHERE projection_id = :p ORDER BY event_position")
            .bind("p", projectionId)
            .map((rs, ctx) -> new DeadLetter(rs.getString(1), rs.getLong(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getInt(11), Instant.parse(rs.getString(12)),
                Instant.parse(rs.getString(13))))
            .list()));
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Pools.close(ownedPool, description);
    }
  }

  @Override
  public String toString() {
    return "JdbcProjectionStore[" + description + "]";
  }

  private <T> T call(String what, @Nullable String projectionId, Supplier<T> action) {
    if (closed.get()) {
      throw StoreException.failure(what + " failed: the store on " + description + " is closed",
          projectionId, null);
    }
    try {
      return action.get();
    } catch (ProjectionConflictException | StoreException | InvalidDocumentException e) {
      throw e;
    } catch (JdbiException | IllegalStateException e) {
      throw SqlErrors.toStoreException(dialect, what, description, projectionId, e);
    }
  }
}
