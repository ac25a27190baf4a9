package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.spi.support.StoreUris;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.spi.ProjectionStore;
import org.junit.jupiter.api.Test;

class MetricsAndStoresTest {

  @Test
  void metersCountEventsErrorsAndTrackCheckpointAndHealth() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProjectionEngine engine = Projections.engine("accounts").readModel(ACCOUNTS)
        .meterRegistry(registry).build();
    Fixtures.accountHandlers(engine);

    engine.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 1)));
    engine.processEvents(events(2, new Deposited("a", 1), new Deposited("a", 2)));
    assertThatThrownBy(() -> engine.processEvents(events(4, new Deposited("a", -1))))
        .isInstanceOf(HandlerFailedException.class);

    assertThat(registry.get(MetricNames.EVENTS).tag(MetricNames.TAG_OUTCOME, "applied")
        .tag(MetricNames.TAG_PROJECTION, "accounts").counter().count()).isEqualTo(3);
    assertThat(registry.get(MetricNames.EVENTS).tag(MetricNames.TAG_OUTCOME, "skipped")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get(MetricNames.ERRORS).counter().count()).isEqualTo(1);
    assertThat(registry.get(MetricNames.CHECKPOINT).gauge().value()).isEqualTo(3);
    assertThat(registry.get(MetricNames.HEALTHY).gauge().value()).isZero();
    assertThat(registry.get(MetricNames.BATCH_SIZE).summary().count()).isEqualTo(3);
    assertThat(registry.get(MetricNames.COMMIT_DURATION).timer().count()).isEqualTo(3);
    assertThat(registry.get(MetricNames.HANDLER_DURATION).timer().count()).isEqualTo(3);
  }

  @Test
  void withoutARegistryNothingIsRecordedAndProcessingWorks() {
    ProjectionEngine engine = Projections.engine("accounts").readModel(ACCOUNTS).build();
    Fixtures.accountHandlers(engine);

    engine.processEvents(events(1, new Opened("a", "ann")));

    assertThat(engine.state().lastProcessedPosition()).isEqualTo(1);
  }

  @Test
  void theMemorySchemeIsFoundThroughTheServiceLoader() {
    try (ProjectionStateStore store = ProjectionStores.open("memory:")) {
      assertThat(store).isInstanceOf(InMemoryProjectionStateStore.class);
    }
    try (ProjectionStateStore named = ProjectionStores.open("memory:shared-test");
        ProjectionStateStore same = ProjectionStores.open("memory:shared-test")) {
      ((ProjectionStore) named).claimWriter("shared-by-name");
      assertThat(same.loadState("shared-by-name")).as("state written through one store of the name")
          .isPresent();
    }
  }

  @Test
  void anUnknownSchemeIsRefusedWithTheSchemesAvailable() {
    assertThatThrownBy(() -> ProjectionStores.open("cassandra://host/ks"))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("no store provider on the class path opens 'cassandra'")
        .hasMessageContaining("memory");
    assertThatThrownBy(() -> ProjectionStores.open("no-scheme-here"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("has no scheme");
    assertThatThrownBy(() -> ProjectionStores.open("memory:", java.util.Map.of("x", "y")))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("takes no properties");
  }

  @Test
  void passwordsAreRedactedFromUris() {
    assertThat(StoreUris.redact("redis://user:s3cret@host:6379/0"))
        .isEqualTo("redis://user:****@host:6379/0");
    assertThat(StoreUris.redact("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=****&ssl=true");
    assertThat(StoreUris.redact("mongodb://u:p%40ss@h1,h2/db")).doesNotContain("p%40ss");
    assertThat(StoreUris.redact("redis://u:pa/ss@wo:rd@host:6379/0"))
        .isEqualTo("redis://u:****@host:6379/0");
    assertThat(StoreUris.redact("mongodb://h/db?authSource=a@b")).isEqualTo("mongodb://h/db?authSource=a@b");
    assertThat(StoreUris.redact("redis://host:6379")).isEqualTo("redis://host:6379");
  }

  @Test
  void theSeedsStateStoreContractRoundTrips() {
    InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
    ProjectionState state = new ProjectionState("p", "e-9", 9, 2, true, "old error", 0,
        Fixtures.T0);

    store.saveState(state);

    assertThat(store.loadState("p")).contains(state);
    assertThat(store.loadState("unknown")).isEmpty();
  }
}
