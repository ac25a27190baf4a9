package io.orchestrix.projection.jdbc;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.jdbc.internal.CommitWriter;
import io.orchestrix.projection.jdbc.internal.DeadLetterTable;
import io.orchestrix.projection.jdbc.internal.DocumentLimits;
import io.orchestrix.projection.jdbc.internal.DocumentReader;
import io.orchestrix.projection.jdbc.internal.LeaseTable;
import io.orchestrix.projection.jdbc.internal.ProjectionSchema;
import io.orchestrix.projection.jdbc.internal.ReadModelTable;
import io.orchestrix.projection.jdbc.internal.StateTable;
import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.jdbc.support.SqlFailures;
import io.orchestrix.projection.jdbc.support.TableNames;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.spi.support.AbstractProjectionStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * A durable {@link ProjectionStore} on PostgreSQL, MariaDB or H2 through Jdbi 3.
 *
 * <h2>Opening</h2>
 * {@link #open(String, Map)} (or {@code ProjectionStores.open("jdbc:postgresql://...")}) opens its own
 * HikariCP pool, closed by {@link #close()}; the URL must name its host and database (PostgreSQL,
 * MariaDB) or its database (H2), and is refused before any connection otherwise. On PostgreSQL the
 * store adds {@code reWriteBatchedInserts=true} to the URL unless the URL sets it.
 * {@link #create(DataSource, JdbcStoreOptions)} and {@link #create(Jdbi, JdbcStoreOptions)} use the
 * caller's pool, which {@link #close()} leaves open. Opening checks that the connection keeps text
 * exactly and creates or migrates the store's tables (see {@link JdbcStoreOptions} for their names).
 *
 * <h2>Tables</h2>
 * Each read model is a table keyed by document id, with the JSON ({@code jsonb} on PostgreSQL), the
 * position of the last event that changed the document, and one real, indexed column per declared
 * index. Ids and index values are compared exactly (case, trailing spaces and every character
 * count); a table whose key columns would not is refused. An index declared later is added as a
 * column: it holds values for documents written after, so replay the projection to index older
 * documents.
 *
 * <h2>Commit</h2>
 * One transaction: a conditional {@code UPDATE} of the projection's state row that matches only the
 * expected checkpoint and the writer's token (it locks the row, so concurrent committers queue and
 * all but one find the checkpoint moved), then, per read model, one batched delete and one batched
 * upsert, then the dead letters. A batch of 1,000 events thus costs a handful of round trips whatever
 * the number of documents.
 *
 * <h2>Partitions</h2>
 * Each document keeps the partition of the commit that last wrote it (-1 for an unpartitioned commit
 * and for documents stored before schema version 2). A commit of partition k upserts and deletes
 * only documents kept for -1 or k, then reads back which of its ids another partition keeps and, if
 * any, throws {@link io.orchestrix.projection.PartitionConflictException} and rolls back: one query
 * more per read model, none for an unpartitioned commit. Its reset deletes only partition k's
 * documents.
 *
 * <h2>Leases</h2>
 * Kept in the table {@code <prefix>lease} and judged by the database's clock only (never this
 * process's, nor {@link JdbcStoreOptions#clock()}): taking one locks its row, reads the database's
 * time, then writes, in one transaction; of racers for a free lease exactly one wins.
 *
 * <h2>Contract</h2>
 * Thread-safe; the rules every store shares are those of {@link AbstractProjectionStore}. Failures are
 * {@link StoreException}s, transient for lost connections, deadlocks and timeouts, with messages that
 * never show a password; {@link #commit} also throws the typed conflicts of
 * {@link ProjectionStore#commit}. After a crash at any point, a commit is either entirely visible or
 * not at all.
 */
public final class JdbcProjectionStore extends AbstractProjectionStore {

  /** The longest document JSON accepted, in characters (4 MiB). */
  public static final int MAX_DOCUMENT_LENGTH = DocumentLimits.MAX_JSON_LENGTH;
  /** The longest index value accepted, in characters. */
  public static final int MAX_INDEX_VALUE_LENGTH = DocumentLimits.MAX_INDEX_VALUE_LENGTH;
  /** The schema version of the store's tables this code writes and reads. */
  public static final int SCHEMA_VERSION = ProjectionSchema.VERSION;

  private final JdbcDatabase database;
  private final JdbcStoreOptions options;
  private final ProjectionSchema schema;
  private final StateTable states;
  private final DeadLetterTable deadLetters;
  private final CommitWriter commits;
  private final DocumentReader documents;
  private final LeaseTable leases;
  private final ConcurrentMap<String, ReadModelTable> tables = new ConcurrentHashMap<>();

  private JdbcProjectionStore(JdbcDatabase database, JdbcStoreOptions options, TableNames names) {
    super(database.redactedUrl() + " (tables " + names + ")");
    this.database = database;
    this.options = options;
    this.schema = new ProjectionSchema(database, names, description());
    this.states = new StateTable(database.jdbi(), database.dialect(), schema.stateTable(),
        options.clock());
    this.deadLetters = new DeadLetterTable(database.dialect(), schema.deadLetterTable());
    this.commits = new CommitWriter(database.jdbi(), database.dialect(), states, deadLetters);
    this.leases = new LeaseTable(database.jdbi(), database.dialect(), schema.leaseTable());
    this.documents = new DocumentReader(database.jdbi(), database.dialect());
  }

  /**
   * Opens a store with its own connection pool on a JDBC URL
   * ({@code jdbc:postgresql://host[:port]/database}, {@code jdbc:mariadb://host[:port]/database} or
   * {@code jdbc:h2:...}), taking options from properties ({@link JdbcStoreOptions#PROPERTY_KEYS}).
   *
   * @param url the JDBC URL: {@code jdbc:postgresql:}, {@code jdbc:mariadb:} or {@code jdbc:h2:}
   * @param properties the store properties ({@link JdbcStoreOptions#PROPERTY_KEYS}); not null
   * @return the open store, which owns its pool and closes it
   * @throws StoreConfigurationException for an unsupported or incomplete URL, a URL the database
   *     refuses, an unknown property key or a bad value, a connection or tables that would not keep
   *     text exactly, or tables of a newer schema version
   * @throws StoreException (transient) if the database cannot be reached; the message names the URL
   *     without its password
   */
  public static JdbcProjectionStore open(String url, Map<String, String> properties) {
    return open(url, JdbcStoreOptions.fromProperties(properties));
  }

  /**
   * Opens a store with its own connection pool; see {@link #open(String, Map)}.
   *
   * @param url the JDBC URL
   * @param options the options; not null
   * @return the open store, which owns its pool and closes it
   */
  public static JdbcProjectionStore open(String url, JdbcStoreOptions options) {
    Objects.requireNonNull(url, "url must not be null");
    Objects.requireNonNull(options, "options must not be null");
    return start(JdbcDatabase.open(url, options.poolSize(), options.connectionTimeout()), options);
  }

  /**
   * A store on the caller's data source, which {@link #close()} does not close. The dialect is read
   * from the database's metadata.
   *
   * @param dataSource the caller's data source; not null
   * @param options the options; not null
   * @return the store
   * @throws StoreConfigurationException if the database is not PostgreSQL, MariaDB or H2, its
   *     connection or tables would not keep text exactly, or its tables are of a newer schema version
   * @throws StoreException if the database cannot be reached
   */
  public static JdbcProjectionStore create(DataSource dataSource, JdbcStoreOptions options) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    return create(Jdbi.create(dataSource), options);
  }

  /**
   * A store on the caller's Jdbi; see {@link #create(DataSource, JdbcStoreOptions)}.
   *
   * @param jdbi the caller's Jdbi; not null
   * @param options the options; not null
   * @return the store
   */
  public static JdbcProjectionStore create(Jdbi jdbi, JdbcStoreOptions options) {
    Objects.requireNonNull(jdbi, "jdbi must not be null");
    Objects.requireNonNull(options, "options must not be null");
    return start(JdbcDatabase.on(jdbi), options);
  }

  private static JdbcProjectionStore start(JdbcDatabase database, JdbcStoreOptions options) {
    try {
      JdbcProjectionStore store = new JdbcProjectionStore(database, options,
          new TableNames(options.schema().orElse(null), options.tablePrefix()));
      store.call("opening the schema", null, () -> {
        store.schema.migrate();
        return null;
      });
      return store;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** {@return the options this store was opened with} */
  public JdbcStoreOptions options() {
    return options;
  }

  /** {@return the database this store works on: PostgreSQL, MariaDB or H2} */
  public String databaseName() {
    return database.dialect().name();
  }

  @Override
  protected void doPrepareReadModel(ReadModelSchema readModel) {
    ReadModelTable table = schema.prepare(readModel);
    tables.merge(readModel.name(), table,
        (known, added) -> known.indexes().containsAll(added.indexes()) ? known : added);
  }

  /** The JDBC store's own check: the lengths of the JSON and of each index value. */
  @Override
  protected void doCheckDocument(String readModel, StoredDocument document) {
    DocumentLimits.check(readModel, document);
  }

  @Override
  protected long doClaimWriter(String projectionId) {
    return states.claim(projectionId);
  }

  /**
   * Refuses a document beyond the store's limits while binding it to its batch, in the same pass
   * that writes it; the whole transaction is then rolled back, so nothing of the commit is written.
   */
  @Override
  protected void doCommit(Commit commit) {
    commits.write(commit, this::table);
  }

  @Override
  protected Optional<ProjectionState> doLoadState(String projectionId) {
    return states.load(projectionId);
  }

  @Override
  protected void doSaveState(ProjectionState state) {
    states.save(state);
  }

  @Override
  protected Optional<StoredDocument> doFind(String readModel, String id) {
    return documents.find(table(readModel), id);
  }

  @Override
  protected Map<String, StoredDocument> doFindAll(String readModel, List<String> ids) {
    return documents.findAll(table(readModel), ids);
  }

  @Override
  protected List<StoredDocument> doFindByIndex(String readModel, String index, String value) {
    return documents.findByIndex(table(readModel), index, value);
  }

  @Override
  protected long doCount(String readModel) {
    return documents.count(table(readModel));
  }

  @Override
  protected List<StoredDocument> doPage(String readModel, @Nullable String afterId, int limit) {
    return documents.page(table(readModel), afterId, limit);
  }

  @Override
  protected List<DeadLetter> doDeadLetters(String projectionId) {
    return database.jdbi().withHandle(handle -> deadLetters.list(handle, projectionId));
  }

  /**
   * One transaction on the lease's row: locked, then judged by the database's clock, then written;
   * see {@link ProjectionStore#acquireLease}.
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
    database.close();
  }

  @Override
  protected StoreException translate(String operation, @Nullable String projectionId,
      RuntimeException failure) {
    return SqlFailures.translate(database.dialect(), operation, description(), projectionId, failure);
  }

  /** The table of a read model the base class has checked is prepared on this instance. */
  private ReadModelTable table(String readModel) {
    ReadModelTable table = tables.get(readModel);
    if (table == null) {
      throw new IllegalStateException("read model '" + readModel + "' has no table on " + description());
    }
    return table;
  }

  @Override
  public String toString() {
    return "JdbcProjectionStore[" + description() + "]";
  }
}
