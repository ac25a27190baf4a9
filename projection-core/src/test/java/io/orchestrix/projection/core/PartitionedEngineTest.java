package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.T0;
import static io.orchestrix.projection.core.Fixtures.accountHandlers;
import static io.orchestrix.projection.core.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.Fixtures.Account;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PartitionedEngineTest {

  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  private static List<EventEnvelope<?>> history(int accounts, int deposits) {
    List<EventEnvelope<?>> events = new ArrayList<>();
    long position = 1;
    for (int a = 0; a < accounts; a++) {
      events.add(event(position++, new Opened("acc-" + a, "owner-" + a % 7)));
    }
    for (int d = 0; d < deposits; d++) {
      events.add(event(position++, new Deposited("acc-" + d % accounts, d + 1)));
    }
    return events;
  }

  private ProjectionEngine engine(InMemoryProjectionStateStore target, int partitions) {
    ProjectionEngine engine = Projections.engine("accounts").store(target).readModel(ACCOUNTS)
        .partitions(partitions).batchSize(50).build();
    accountHandlers(engine);
    return engine;
  }

  private static Map<String, String> contents(InMemoryProjectionStateStore target) {
    Map<String, String> contents = new TreeMap<>();
    String after = null;
    List<StoredDocument> page;
    while (!(page = target.page("account", after, 100)).isEmpty()) {
      page.forEach(document -> contents.put(document.id(), document.json()));
      after = page.get(page.size() - 1).id();
    }
    return contents;
  }

  @Test
  void aPartitionedProjectionBuildsTheSameReadModelAsOneThatIsNotSplit() {
    List<EventEnvelope<?>> events = history(40, 400);
    InMemoryProjectionStateStore single = new InMemoryProjectionStateStore();
    engine(single, 1).replay(events);

    ProjectionEngine partitioned = engine(store, 4);
    for (int from = 0; from < events.size(); from += 37) {
      partitioned.processEvents(events.subList(from, Math.min(events.size(), from + 37)));
    }

    assertThat(contents(store)).isEqualTo(contents(single));
    assertThat(partitioned.partitions()).isEqualTo(4);
    for (int p = 0; p < 4; p++) {
      String key = ProjectionIds.partitionKey("accounts", p);
      assertThat(store.loadState(key)).as("state of %s", key).isPresent();
      assertThat(partitioned.partition(p).state().projectionId()).isEqualTo(key);
    }
    assertThat(partitioned.state().lastProcessedPosition()).as("the lowest partition checkpoint")
        .isLessThanOrEqualTo(events.size()).isPositive();
    assertThat(store.loadState("accounts")).as("nothing under the projection's own key").isEmpty();
  }

  @Test
  void eachEventGoesToThePartitionItsFilterAccepts() {
    ProjectionEngine partitioned = engine(store, 3);
    List<EventEnvelope<?>> events = history(30, 0);
    partitioned.processEvents(events);

    for (int p = 0; p < 3; p++) {
      long accepted = events.stream().filter(partitioned.partitionFilter(p)::accepts).count();
      assertThat(store.count("account") > 0).isTrue();
      assertThat(partitioned.partition(p).state().lastProcessedPosition())
          .isEqualTo(events.stream().filter(partitioned.partitionFilter(p)::accepts)
              .mapToLong(EventEnvelope::position).max().orElse(0));
      assertThat(accepted).isPositive();
    }
  }

  record Spent(String account, String customer, long amount) {}

  record CustomerTotal(String customer, long total) {}

  static final ReadModel<CustomerTotal> TOTALS =
      ReadModel.builder("customer_total", CustomerTotal.class).id(CustomerTotal::customer).build();

  @Test
  void aDocumentWrittenFromTwoPartitionsIsRefusedNamingItAndBothPartitions() {
    ProjectionEngine engine = Projections.engine("totals").store(store).readModel(TOTALS)
        .partitions(8).build();
    engine.on(Spent.class, (Spent e, HandlerContext c) -> {
      long before = c.readModel(TOTALS).findById(e.customer()).map(CustomerTotal::total).orElse(0L);
      c.readModel(TOTALS).save(new CustomerTotal(e.customer(), before + e.amount()));
    });
    List<EventEnvelope<?>> events = new ArrayList<>();
    for (int i = 1; i <= 16; i++) {
      events.add(EventEnvelope.of("e" + i, "account-" + i, i, T0, new Spent("account-" + i, "c-1", 1)));
    }

    assertThatThrownBy(() -> engine.processEvents(events))
        .isInstanceOf(PartitionConflictException.class)
        .hasMessageContaining("document 'c-1' of read model 'customer_total'")
        .hasMessageContaining("partition key");
    assertThat(store.find("customer_total", "c-1")).isPresent();
  }

  @Test
  void aPartitionKeyThatKeepsEachDocumentInOnePartitionAvoidsTheConflict() {
    ProjectionEngine engine = Projections.engine("totals").store(store).readModel(TOTALS)
        .partitions(8).partitionKey(event -> ((Spent) event.payload()).customer())
        .failurePolicy(FailurePolicy.stop()).build();
    engine.on(Spent.class, (Spent e, HandlerContext c) -> {
      long before = c.readModel(TOTALS).findById(e.customer()).map(CustomerTotal::total).orElse(0L);
      c.readModel(TOTALS).save(new CustomerTotal(e.customer(), before + e.amount()));
    });
    List<EventEnvelope<?>> events = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      events.add(EventEnvelope.of("e" + i, "account-" + i, i, T0,
          new Spent("account-" + i, "c-" + i % 5, i)));
    }

    engine.processEvents(events);

    long total = 0;
    for (int c = 0; c < 5; c++) {
      total += engine.readModel(TOTALS).findById("c-" + c).orElseThrow().total();
    }
    assertThat(total).isEqualTo(40 * 41 / 2);
  }

  @Test
  void deadLettersAreKeptPerPartitionAndListedTogether() {
    ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
        .partitions(4).failurePolicy(FailurePolicy.deadLetter()).build();
    accountHandlers(engine);
    List<EventEnvelope<?>> events = new ArrayList<>(history(8, 0));
    events.add(event(9, new Deposited("acc-1", -5)));
    events.add(event(10, new Deposited("acc-6", -5)));

    engine.processEvents(events);

    assertThat(engine.operations().deadLetters()).extracting(letter -> letter.position())
        .containsExactly(9L, 10L);
    assertThat(engine.operations().deadLetters()).allSatisfy(letter ->
        assertThat(letter.projectionId()).startsWith("accounts#p"));
    assertThat(engine.operations().discardDeadLetters(letter -> true)).isEqualTo(2);
    assertThat(engine.operations().deadLetters()).isEmpty();
  }

  @Test
  void aResetOfTheWholeProjectionEmptiesEveryPartition() {
    ProjectionEngine engine = engine(store, 4);
    engine.processEvents(history(20, 20));

    engine.operations().reset();

    assertThat(store.count("account")).isZero();
    assertThat(engine.state().lastProcessedPosition()).isZero();
    for (int p = 0; p < 4; p++) {
      assertThat(engine.partition(p).state().lastProcessedPosition()).isZero();
    }
  }

  @Test
  void aResetAfterTheSplitNarrowedClearsTheDocumentsOfThePartitionsThatAreGone() {
    List<EventEnvelope<?>> events = history(30, 60);
    engine(store, 6).processEvents(events);
    InMemoryProjectionStateStore single = new InMemoryProjectionStateStore();
    engine(single, 1).processEvents(events);

    ProjectionEngine narrower = engine(store, 2);
    narrower.operations().reset();
    narrower.processEvents(events);

    assertThat(contents(store)).isEqualTo(contents(single));
    assertThat(store.loadState(ProjectionIds.partitionKey("accounts", 5)).orElseThrow()
        .lastProcessedPosition()).isZero();
  }

  @Test
  void metersOfAPartitionedProjectionCarryThePartition() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
        .partitions(2).meterRegistry(meters).build();
    accountHandlers(engine);
    engine.processEvents(history(10, 0));

    double applied = 0;
    for (String partition : List.of("0", "1")) {
      applied += meters.get(MetricNames.EVENTS).tag(MetricNames.TAG_PARTITION, partition)
          .tag(MetricNames.TAG_OUTCOME, MetricNames.OUTCOME_APPLIED).counter().count();
    }
    assertThat(applied).isEqualTo(10);
  }

  @Test
  void partitionsAreCheckedWhereTheyAreNamed() {
    assertThatThrownBy(() -> Projections.engine("p").partitions(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions must be 1 to");
    ProjectionEngine engine = engine(store, 2);
    assertThatThrownBy(() -> engine.partition(2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions 0 to 1, not 2");
    ProjectionEngine single = engine(store, 1);
    assertThat(single.partition(0)).isSameAs(single);
    assertThatThrownBy(() -> single.partition(1)).hasMessageContaining("is not split");
    assertThatThrownBy(() -> Projections.engine("x".repeat(99)).partitions(2).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long to be partitioned");
  }
}
