package io.orchestrix.projection.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The contract every {@link ProjectionStore} meets, as JUnit 5 tests: one contract per concern, each
 * in its own file, run here as {@link Nested} classes. A store module runs them all by extending this
 * class and saying how to open its store:
 *
 * <pre>{@code
 * class MyStoreContractTest extends ProjectionStoreContract {
 *   private String prefix;
 *
 *   @BeforeEach void freshData() { prefix = "t" + UUID.randomUUID().toString().substring(0, 8); }
 *   @AfterEach void dropData() { ... drop what prefix names ... }
 *
 *   @Override protected ProjectionStore openStore() { return MyStore.open(url, prefix); }
 * }
 * }</pre>
 *
 * <p>Rules for {@link #openStore()}: each test starts from empty data, and every call within one test
 * opens a new store instance over that test's data (several instances stand for several processes).
 * The kit closes every store it opened after each test. The other hooks are optional; a test whose
 * hook a store does not provide is aborted (reported as skipped) with a reason naming the hook, never
 * passed silently.
 *
 * <p>The contracts, each reached through the {@link StoreFixture} this class builds from the hooks:
 * {@link StateContract}, {@link ReadModelContract}, {@link AtomicityContract}, {@link
 * FencingContract}, {@link ResetContract}, {@link DeadLetterContract}, {@link SchemaContract}, {@link
 * TextContract}, {@link ConfigurationContract}, {@link GuardContract} and {@link
 * EngineEndToEndContract}. A store may also run one of them alone by implementing it.
 */
public abstract class ProjectionStoreContract {

  /** The read model with two indexes that most tests use. */
  protected static final ReadModelSchema ORDERS = StoreFixture.ORDERS;
  /** A read model without indexes. */
  protected static final ReadModelSchema NOTES = StoreFixture.NOTES;
  /** The projection most tests commit for. */
  protected static final String PROJECTION = StoreFixture.PROJECTION;

  private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());
  private final Fixture fixture = new Fixture();

  /**
   * Opens a new store instance over the current test's data. Each test starts from empty data;
   * several calls within one test share it.
   *
   * @return a new, open store instance; the kit closes it after the test
   */
  protected abstract ProjectionStore openStore();

  /**
   * Opens a store over the current test's data whose writes succeed {@code writes} times and then
   * fail with a {@link StoreException}, as a crash after that many writes would. A write is whatever
   * the store sends to make a change (a statement or batch of statements, a command); the kit calls
   * only {@link ProjectionStore#commit} on it, for read models another instance has prepared, and
   * counts on the failure to leave nothing of the commit visible. Override to let the kit check
   * atomicity; the default aborts the calling test.
   *
   * @param writes how many writes succeed before every later one fails, 0 or more
   * @return a store whose writes fail after that many
   */
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    Assumptions.abort(getClass().getSimpleName()
        + " does not override openStoreFailingAfterWrites(int), so atomicity under failure is not"
        + " checked");
    throw new AssertionError("unreachable");
  }

  /**
   * Whether readers never see part of a commit, even one cut short or refused. True by default, as
   * {@link ProjectionStore} requires. A store without multi-document transactions, which keeps
   * exactly-once effect through {@link StoredDocument#position()} instead, overrides this to return
   * false: the kit then aborts the tests that check all-or-nothing visibility, with that reason.
   *
   * @return whether commits are all or nothing for readers
   */
  protected boolean commitsAreAtomic() {
    return true;
  }

  /**
   * Marks the current test's stored schema as written by a newer version of the store, so that the
   * next {@link #openStore()} must refuse it. Override if the store versions its schema; the default
   * aborts the calling test.
   */
  protected void makeStoredSchemaNewerThanCode() {
    Assumptions.abort(getClass().getSimpleName()
        + " does not override makeStoredSchemaNewerThanCode(), so refusing a newer schema is not"
        + " checked");
  }

  /**
   * URIs of this store's scheme that {@link io.orchestrix.projection.spi.support.ProjectionStoreProviders#open}
   * must refuse with {@link io.orchestrix.projection.StoreConfigurationException} before any
   * connection is made, with a message that holds no password: a missing database, a bad option in
   * the query, a password in the user info of a URI that is malformed otherwise. A URI may name
   * {@link #connectionTrapAddress()} as its host and port, so the kit sees a connection made to it.
   * The default, empty, aborts the test that checks them.
   *
   * @return the URIs to refuse; empty to skip the test
   */
  protected List<String> malformedUris() {
    return List.of();
  }

  /**
   * The scheme of this store's URIs if they have the form {@code scheme://host[:port]/...}
   * ({@code redis}, {@code mongodb}, {@code jdbc:postgresql}), so that the kit refuses generic bad
   * URIs of it too: {@code scheme:}, {@code scheme://}, an empty host, a bad port. The default, empty,
   * aborts the test that checks them.
   *
   * @return the URI scheme, or empty to skip the test
   */
  protected Optional<String> uriScheme() {
    return Optional.empty();
  }

  /**
   * A URI that opens this store on the test's server, for the test that unknown properties are
   * refused. The default, empty, aborts that test.
   *
   * @return the URI, or empty to skip the test
   */
  protected Optional<String> storeUri() {
    return Optional.empty();
  }

  /**
   * {@code 127.0.0.1:port} of a socket the kit listens on during the test and counts connections to;
   * a {@link #malformedUris()} URI that names it lets the kit check that the store refused it before
   * connecting.
   *
   * @return the address, as {@code 127.0.0.1:port}
   */
  protected final String connectionTrapAddress() {
    return fixture.connectionTrapAddress();
  }

  /** {@return the fixture the contracts of this class use} */
  protected final StoreFixture fixture() {
    return fixture;
  }

  /**
   * {@return the store of this test, opened on first use, with {@link #ORDERS} and {@link #NOTES}
   * prepared}
   */
  protected final ProjectionStore store() {
    return fixture.store();
  }

  /**
   * Opens another instance over the same data; the kit closes it after the test.
   *
   * @return a new, open store instance over the same data
   */
  protected final ProjectionStore anotherStore() {
    return fixture.anotherStore();
  }

  /**
   * Commits puts of documents into a read model, claiming a writer and moving the checkpoint by
   * one.
   *
   * @param target the store to commit to
   * @param readModel a read model prepared on it
   * @param documents the documents to put
   */
  protected final void seed(ProjectionStore target, String readModel, List<StoredDocument> documents) {
    ContractSupport.seed(target, readModel, documents);
  }

  /** {@return ids that need escaping in keys, queries or URLs, each a valid document id} */
  protected static List<String> awkwardIds() {
    return StoreFixtures.awkwardIds();
  }

  @AfterEach
  void closeWhatTheKitOpened() throws Exception {
    List<AutoCloseable> toClose;
    synchronized (opened) {
      toClose = new ArrayList<>(opened);
      opened.clear();
    }
    fixture.forget();
    for (AutoCloseable each : toClose) {
      each.close();
    }
  }

  /** The hooks of this class as the contracts see them. */
  private final class Fixture implements StoreFixture {

    private @Nullable ProjectionStore store;
    private @Nullable ConnectionTrap trap;

    @Override
    public String name() {
      return ProjectionStoreContract.this.getClass().getSimpleName();
    }

    @Override
    public ProjectionStore openStore() {
      return track(ProjectionStoreContract.this.openStore(), "openStore()");
    }

    @Override
    public synchronized ProjectionStore store() {
      if (store == null) {
        store = withTestReadModels(openStore());
      }
      return store;
    }

    @Override
    public ProjectionStore anotherStore() {
      return withTestReadModels(openStore());
    }

    private ProjectionStore withTestReadModels(ProjectionStore target) {
      target.prepareReadModel(ORDERS);
      target.prepareReadModel(NOTES);
      return target;
    }

    @Override
    public ProjectionStore openStoreFailingAfterWrites(int writes) {
      return track(ProjectionStoreContract.this.openStoreFailingAfterWrites(writes),
          "openStoreFailingAfterWrites(" + writes + ")");
    }

    private ProjectionStore track(@Nullable ProjectionStore store, String hook) {
      assertThat(store).as("%s returned null", hook).isNotNull();
      opened.add(store);
      return store;
    }

    @Override
    public boolean commitsAreAtomic() {
      return ProjectionStoreContract.this.commitsAreAtomic();
    }

    @Override
    public void assumeAtomicCommits() {
      Assumptions.assumeTrue(commitsAreAtomic(), name()
          + " declares that readers may see part of a commit (commitsAreAtomic() is false)");
    }

    @Override
    public void makeStoredSchemaNewerThanCode() {
      ProjectionStoreContract.this.makeStoredSchemaNewerThanCode();
    }

    @Override
    public List<String> malformedUris() {
      return List.copyOf(ProjectionStoreContract.this.malformedUris());
    }

    @Override
    public Optional<String> uriScheme() {
      return ProjectionStoreContract.this.uriScheme();
    }

    @Override
    public Optional<String> storeUri() {
      return ProjectionStoreContract.this.storeUri();
    }

    @Override
    public synchronized String connectionTrapAddress() {
      if (trap == null) {
        trap = new ConnectionTrap();
        opened.add(trap);
      }
      return trap.address();
    }

    @Override
    public synchronized int connectionsToTrap() {
      return trap == null ? 0 : trap.connectionsSoFar();
    }

    synchronized void forget() {
      store = null;
      trap = null;
    }
  }

  /** Runs a contract on this class's fixture. */
  private abstract class Concern {
    public final StoreFixture fixture() {
      return fixture;
    }
  }

  @Nested
  @DisplayName("state")
  class State extends Concern implements StateContract {}

  @Nested
  @DisplayName("read models")
  class ReadModels extends Concern implements ReadModelContract {}

  @Nested
  @DisplayName("atomicity")
  class Atomicity extends Concern implements AtomicityContract {}

  @Nested
  @DisplayName("fencing and conflicts")
  class Fencing extends Concern implements FencingContract {}

  @Nested
  @DisplayName("resets")
  class Resets extends Concern implements ResetContract {}

  @Nested
  @DisplayName("dead letters")
  class DeadLetters extends Concern implements DeadLetterContract {}

  @Nested
  @DisplayName("leases")
  class Leases extends Concern implements LeaseContract {}

  @Nested
  @DisplayName("partitions")
  class Partitions extends Concern implements PartitionContract {}

  @Nested
  @DisplayName("schema")
  class Schema extends Concern implements SchemaContract {}

  @Nested
  @DisplayName("text")
  class Text extends Concern implements TextContract {}

  @Nested
  @DisplayName("configuration and URIs")
  class Configuration extends Concern implements ConfigurationContract {}

  @Nested
  @DisplayName("unified guards")
  class Guards extends Concern implements GuardContract {}

  @Nested
  @DisplayName("engine end to end")
  class EngineEndToEnd extends Concern implements EngineEndToEndContract {}

  @Nested
  @DisplayName("rebuild without downtime")
  class RebuildWithoutDowntime extends Concern implements RebuildWithoutDowntimeContract {}
}
