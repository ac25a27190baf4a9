package io.orchestrix.projection.tck;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.util.List;
import java.util.Optional;

/**
 * What every contract of the kit needs of the store under test, for one test: stores over that test's
 * data, the store's optional fault and schema hooks, and its URIs. {@link ProjectionStoreContract}
 * implements it from the hooks a store's test overrides; each contract reaches it through its
 * {@code fixture()} method.
 *
 * <p>Every store it opens is closed by the kit after the test. A hook the store does not provide
 * aborts the calling test (JUnit reports it skipped) with a message naming the hook, never passes it.
 * Used by one test thread at a time, except that {@link #openStore()} and {@link #anotherStore()} may
 * be called from several threads at once.
 */
public interface StoreFixture {

  /** The read model with two indexes that most tests use. */
  ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status", "customer_id"));
  /** A read model without indexes. */
  ReadModelSchema NOTES = new ReadModelSchema("notes", List.of());
  /** The projection most tests commit for. */
  String PROJECTION = "order-summary";

  /** {@return the store's test, for messages: its class's simple name} */
  String name();

  /**
   * {@return a new store instance over the current test's data, no read model prepared on it; the
   * kit closes it after the test}
   */
  ProjectionStore openStore();

  /**
   * {@return the test's store, opened on first use, with {@link #ORDERS} and {@link #NOTES}
   * prepared}
   */
  ProjectionStore store();

  /**
   * Another instance over the same data, as another process would open, with both read models
   * prepared.
   *
   * @return a new, open store instance over the same data
   */
  ProjectionStore anotherStore();

  /**
   * A store over the current test's data whose writes succeed {@code writes} times and then fail
   * with a {@link io.orchestrix.projection.StoreException}; aborts the test if the store has none.
   *
   * @param writes how many writes succeed before every later one fails, 0 or more
   * @return a store whose writes fail after that many
   */
  ProjectionStore openStoreFailingAfterWrites(int writes);

  /**
   * Whether readers never see part of a commit (see {@link
   * ProjectionStoreContract#commitsAreAtomic()}).
   *
   * @return whether commits are all or nothing for readers
   */
  boolean commitsAreAtomic();

  /** Aborts the test unless readers never see part of a commit, with the reason. */
  void assumeAtomicCommits();

  /** Marks the stored schema as newer than the code; aborts the test if the store has no such hook. */
  void makeStoredSchemaNewerThanCode();

  /**
   * {@return URIs of this store's scheme that must be refused before any connection; empty if not
   * provided}
   */
  List<String> malformedUris();

  /**
   * {@return the scheme of the store's {@code scheme://host...} URIs, or empty if it has no such
   * URIs}
   */
  Optional<String> uriScheme();

  /**
   * {@return a URI that opens this store on the test's server, or empty if the store's test
   * provides none}
   */
  Optional<String> storeUri();

  /**
   * {@code 127.0.0.1:port} of a socket the kit listens on during the test and counts connections to,
   * so that a URI naming it shows whether a store connected before refusing the URI.
   *
   * @return the address, as {@code 127.0.0.1:port}
   */
  String connectionTrapAddress();

  /**
   * {@return how many connections clients made to {@link #connectionTrapAddress()} so far in this
   * test}
   */
  int connectionsToTrap();
}
