package io.orchestrix.projection.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StorableText;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The kit fails a store that breaks a rule: each case runs one contract test of the kit, through the
 * JUnit launcher, on the in-memory store with one behaviour broken, and expects that test to fail for
 * that reason. The same tests pass on the unbroken store ({@link InMemoryStoreContractTest}).
 */
@DisplayName("the kit catches stores that break the contract")
class KitCatchesBrokenStoresTest {

  @Test
  @DisplayName("a store that finds ids whatever their case fails the text contract")
  void caseInsensitiveIds() {
    assertThat(failureOf(CaseInsensitiveIds.class, ProjectionStoreContract.Text.class, "distinctIdsStayDistinct"))
        .contains("id found by 'K'");
  }

  @Test
  @DisplayName("a store whose index ignores trailing spaces fails the text contract")
  void padSpaceIndexValues() {
    assertThat(failureOf(PadSpaceIndexValues.class, ProjectionStoreContract.Text.class,
        "distinctIndexValuesStayDistinct")).contains("documents under 'k '");
  }

  @Test
  @DisplayName("a store that raises on a lookup by an unstorable id fails the text contract")
  void raisingLookups() {
    assertThat(failureOf(RaisingLookups.class, ProjectionStoreContract.Text.class, "unstorableLookupsFindNothing"))
        .contains("find by an id holding U+0000").contains("raised");
  }

  @Test
  @DisplayName("a store that answers a page limit of 0 fails the guard contract")
  void uncheckedPageLimit() {
    assertThat(failureOf(UncheckedPageLimit.class, ProjectionStoreContract.Guards.class, "pageLimitBelowOneRefused"))
        .contains("page with limit 0");
  }

  @Test
  @DisplayName("a store that keeps answering after close fails the guard contract")
  void closeDoesNothing() {
    assertThat(failureOf(CloseDoesNothing.class, ProjectionStoreContract.Guards.class, "closedStoreRefusesEveryCall"))
        .contains("claimWriter after close").contains("find after close");
  }

  @Test
  @DisplayName("a provider that connects before refusing a URI, shows its password, and ignores unknown properties fails the configuration contract")
  void carelessProvider() {
    assertThat(failureOf(Careless.class, ProjectionStoreContract.Configuration.class, "malformedUrisRefused"))
        .contains("connections made to").contains("not to contain").contains("secret-in-uri");
    assertThat(failureOf(Careless.class, ProjectionStoreContract.Configuration.class, "genericBadUrisRefused"))
        .contains("connections made to").contains(ConfigurationContract.KIT_PASSWORD);
    assertThat(failureOf(Careless.class, ProjectionStoreContract.Configuration.class, "unknownPropertyRefused"))
        .contains("with property " + ConfigurationContract.UNKNOWN_PROPERTY).contains("not to be null");
  }

  /** Runs one test of a contract on a kit and returns its failure, which must be the only one. */
  private static String failureOf(Class<? extends ProjectionStoreContract> kit, Class<?> contract, String test) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectNestedMethod(List.of(kit), contract, test)).build(), listener);
    TestExecutionSummary summary = listener.getSummary();

    assertThat(summary.getTestsFoundCount()).as("tests found for %s.%s", contract.getSimpleName(), test)
        .isEqualTo(1);
    assertThat(summary.getFailures()).as("failures of %s on %s", test, kit.getSimpleName()).hasSize(1);
    return summary.getFailures().stream().map(failure -> String.valueOf(failure.getException()))
        .collect(Collectors.joining("\n"));
  }

  /** The in-memory store, fresh per test, with one behaviour broken by {@link #broken}. */
  abstract static class BrokenInMemoryStore extends ProjectionStoreContract {
    private InMemoryProjectionStateStore data;

    @BeforeEach
    void freshData() {
      data = new InMemoryProjectionStateStore("broken");
    }

    abstract ProjectionStore broken(ProjectionStore store);

    @Override
    protected ProjectionStore openStore() {
      return broken(data.openAnother());
    }
  }

  static class CaseInsensitiveIds extends BrokenInMemoryStore {
    @Override
    ProjectionStore broken(ProjectionStore store) {
      return new ForwardingStore(store) {
        @Override
        public Optional<StoredDocument> find(String readModel, String id) {
          return super.find(readModel, id.toLowerCase(Locale.ROOT));
        }
      };
    }
  }

  static class PadSpaceIndexValues extends BrokenInMemoryStore {
    @Override
    ProjectionStore broken(ProjectionStore store) {
      return new ForwardingStore(store) {
        @Override
        public List<StoredDocument> findByIndex(String readModel, String index, String value) {
          return super.findByIndex(readModel, index, value.stripTrailing());
        }
      };
    }
  }

  static class RaisingLookups extends BrokenInMemoryStore {
    @Override
    ProjectionStore broken(ProjectionStore store) {
      return new ForwardingStore(store) {
        @Override
        public Optional<StoredDocument> find(String readModel, String id) {
          if (!StorableText.isStorable(id)) {
            throw StoreException.failure("the driver refused the id", null, null);
          }
          return super.find(readModel, id);
        }
      };
    }
  }

  static class UncheckedPageLimit extends BrokenInMemoryStore {
    @Override
    ProjectionStore broken(ProjectionStore store) {
      return new ForwardingStore(store) {
        @Override
        public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
          return limit < 1 ? List.of() : super.page(readModel, afterId, limit);
        }
      };
    }
  }

  static class CloseDoesNothing extends BrokenInMemoryStore {
    @Override
    ProjectionStore broken(ProjectionStore store) {
      return new ForwardingStore(store) {
        @Override
        public void close() {
          // broken on purpose: the store stays usable
        }
      };
    }
  }

  static class Careless extends BrokenInMemoryStore {
    @Override
    ProjectionStore broken(ProjectionStore store) {
      return store;
    }

    @Override
    protected List<String> malformedUris() {
      return List.of(CarelessStoreProvider.SCHEME + "://kit:secret-in-uri@" + connectionTrapAddress() + "/");
    }

    @Override
    protected Optional<String> uriScheme() {
      return Optional.of(CarelessStoreProvider.SCHEME);
    }

    @Override
    protected Optional<String> storeUri() {
      return Optional.of(CarelessStoreProvider.SCHEME + "://127.0.0.1/open");
    }
  }
}
