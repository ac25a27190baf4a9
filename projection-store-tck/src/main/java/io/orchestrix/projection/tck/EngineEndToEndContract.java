package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.OrderSummaryFixture.BROKEN;
import static io.orchestrix.projection.tck.OrderSummaryFixture.ORDER_SUMMARY;
import static io.orchestrix.projection.tck.OrderSummaryFixture.envelopes;
import static io.orchestrix.projection.tck.OrderSummaryFixture.exampleEvents;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.tck.OrderSummaryFixture.Item;
import io.orchestrix.projection.tck.OrderSummaryFixture.OrderConfirmed;
import io.orchestrix.projection.tck.OrderSummaryFixture.OrderCreated;
import io.orchestrix.projection.tck.OrderSummaryFixture.OrderSummary;
import io.orchestrix.projection.tck.OrderSummaryFixture.Poison;
import io.orchestrix.projection.tck.OrderSummaryFixture.Unserialisable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine of projection-core on the store: the OrderSummary example ({@link OrderSummaryFixture}),
 * one event at a time, restart from the stored checkpoint with a new instance, redelivery, replay, a
 * handler failure keeping the good prefix, the dead-letter policy, documents that cannot be written or
 * read, and a second engine fencing the first.
 */
public interface EngineEndToEndContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** The projection the engine runs in these tests. */
  String ENGINE_PROJECTION = "order-summary-e2e";

  private ProjectionEngine engine(ProjectionStore target) {
    return engine(target, FailurePolicy.stop(), new AtomicBoolean());
  }

  private ProjectionEngine engine(ProjectionStore target, FailurePolicy policy, AtomicBoolean poisoned) {
    ProjectionEngine engine = Projections.engine(ENGINE_PROJECTION).store(target)
        .readModel(ORDER_SUMMARY).readModel(BROKEN).failurePolicy(policy).batchSize(4).build();
    OrderSummaryFixture.register(engine, poisoned);
    return engine;
  }

  /** Another store over the same data with the engine's read models prepared, as an engine does. */
  private ProjectionStore freshStore() {
    ProjectionStore fresh = fixture().openStore();
    fresh.prepareReadModel(new ReadModelSchema(ORDER_SUMMARY.name(), ORDER_SUMMARY.indexNames()));
    fresh.prepareReadModel(new ReadModelSchema(BROKEN.name(), BROKEN.indexNames()));
    return fresh;
  }

  private void assertExampleReadModel(ReadModelView<OrderSummary> orders) {
    OrderSummary first = orders.findById("ORDER-001").orElseThrow();
    assertThat(first.status()).isEqualTo("DELIVERED");
    assertThat(first.customerName()).isEqualTo("Alice Johnson");
    assertThat(first.total()).isEqualByComparingTo("269.97");
    assertThat(first.items()).extracting(Item::name).containsExactly("Wireless Keyboard", "Mouse");
    assertThat(first.carrier()).isEqualTo("FedEx");
    assertThat(first.trackingNumber()).isEqualTo("1234567890");
    OrderSummary second = orders.findById("ORDER-002").orElseThrow();
    assertThat(second.status()).isEqualTo("CANCELLED");
    assertThat(second.total()).isEqualByComparingTo("159.97");
    assertThat(second.items()).singleElement().satisfies(item -> {
      assertThat(item.quantity()).isEqualTo(2);
      assertThat(item.lineTotal()).isEqualByComparingTo("59.98");
    });
    assertThat(second.cancellationReason()).isEqualTo("Customer requested cancellation");
    assertThat(orders.findBy("status", "DELIVERED")).extracting(OrderSummary::orderId).containsExactly("ORDER-001");
    assertThat(orders.findBy("status", "CANCELLED")).extracting(OrderSummary::orderId).containsExactly("ORDER-002");
    assertThat(orders.findBy("status", "CONFIRMED")).isEmpty();
    assertThat(orders.findBy("customer_id", "CUST-002")).extracting(OrderSummary::orderId).containsExactly("ORDER-002");
    assertThat(orders.count()).isEqualTo(2);
    assertThat(orders.streamAll().map(OrderSummary::orderId)).containsExactlyInAnyOrder("ORDER-001", "ORDER-002");
  }

  /**
   * Contract: the OrderSummary example gives its read model, committed and readable by a new store
   * instance.
   */
  @Test
  @DisplayName("the OrderSummary example gives its read model, committed and readable by a new store instance")
  default void exampleReadModel() {
    ProjectionEngine engine = engine(freshStore());
    BatchResult result = engine.processEvents(exampleEvents());

    assertThat(result.applied()).isEqualTo(10);
    assertThat(result.checkpoint()).isEqualTo(10);
    assertExampleReadModel(engine.readModel(ORDER_SUMMARY));
    ProjectionStore reopened = freshStore();
    ProjectionState stored = reopened.loadState(ENGINE_PROJECTION).orElseThrow();
    assertThat(stored.lastProcessedPosition()).isEqualTo(10);
    assertThat(stored.lastProcessedEventId()).isEqualTo("evt-10");
    assertThat(stored.healthy()).isTrue();
    assertExampleReadModel(engine(reopened).readModel(ORDER_SUMMARY));
  }

  /** Contract: events handled one at a time give the same read model as one batch. */
  @Test
  @DisplayName("events handled one at a time give the same read model as one batch")
  default void oneEventAtATime() {
    ProjectionEngine engine = engine(freshStore());
    for (EventEnvelope<?> event : exampleEvents()) {
      engine.handleEvent(event);
    }

    assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
    assertThat(engine.state().lastProcessedPosition()).isEqualTo(10);
  }

  /** Contract: a restart with a new store instance resumes from the stored checkpoint. */
  @Test
  @DisplayName("a restart with a new store instance resumes from the stored checkpoint")
  default void restartFromStoredCheckpoint() {
    ProjectionStore first = freshStore();
    engine(first).processEvents(exampleEvents().subList(0, 6));
    first.close();

    ProjectionEngine restarted = engine(freshStore());
    assertThat(restarted.state().lastProcessedPosition()).isEqualTo(6);
    BatchResult result = restarted.processEvents(exampleEvents());

    assertThat(result.skipped()).isEqualTo(6);
    assertThat(result.applied()).isEqualTo(4);
    assertExampleReadModel(restarted.readModel(ORDER_SUMMARY));
  }

  /** Contract: redelivered events are skipped and change nothing. */
  @Test
  @DisplayName("redelivered events are skipped and change nothing")
  default void redeliveryIsIdempotent() {
    ProjectionEngine engine = engine(freshStore());
    engine.processEvents(exampleEvents());

    BatchResult again = engine.processEvents(exampleEvents());
    BatchResult single = engine.handleEvent(exampleEvents().get(1));
    BatchResult elsewhere = engine(freshStore()).processEvents(exampleEvents().subList(3, 10));

    assertThat(again.applied()).isZero();
    assertThat(again.skipped()).isEqualTo(10);
    assertThat(single.skipped()).isEqualTo(1);
    assertThat(elsewhere.applied()).isZero();
    assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
  }

  /** Contract: replay rebuilds the read model from the events alone. */
  @Test
  @DisplayName("replay rebuilds the read model from the events alone")
  default void replayRebuilds() {
    ProjectionEngine engine = engine(freshStore());
    engine.processEvents(exampleEvents());
    engine.processEvents(envelopes(11, List.of(
        new OrderCreated("ORDER-003", "CUST-003", "Carol", new BigDecimal("5.00")))));
    assertThat(engine.readModel(ORDER_SUMMARY).count()).isEqualTo(3);

    ProjectionEngine rebuilding = engine(freshStore());
    BatchResult result = rebuilding.replay(exampleEvents());

    assertThat(result.checkpoint()).isEqualTo(10);
    assertThat(rebuilding.readModel(ORDER_SUMMARY).findById("ORDER-003")).isEmpty();
    assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
    assertThat(freshStore().loadState(ENGINE_PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(10);
  }

  /**
   * Contract: a handler failure commits the good prefix and stops at the failed event until it
   * succeeds.
   */
  @Test
  @DisplayName("a handler failure commits the good prefix and stops at the failed event until it succeeds")
  default void handlerFailureKeepsGoodPrefix() {
    AtomicBoolean poisoned = new AtomicBoolean(true);
    ProjectionEngine engine = engine(freshStore(), FailurePolicy.stop(), poisoned);
    List<EventEnvelope<?>> events = new ArrayList<>(exampleEvents().subList(0, 6));
    events.addAll(envelopes(7, List.of(new Poison("ORDER-001"),
        new OrderCreated("ORDER-002", "CUST-002", "Bob Smith", new BigDecimal("99.99")))));

    Throwable failure = catchThrowable(() -> engine.processEvents(events));

    assertThat(failure).isInstanceOf(HandlerFailedException.class);
    assertThat(((HandlerFailedException) failure).position()).isEqualTo(7);
    ProjectionStore observer = freshStore();
    ProjectionState stopped = observer.loadState(ENGINE_PROJECTION).orElseThrow();
    assertThat(stopped.lastProcessedPosition()).isEqualTo(6);
    assertThat(stopped.healthy()).isFalse();
    assertThat(stopped.failedPosition()).isEqualTo(7);
    ReadModelView<OrderSummary> orders = engine(observer).readModel(ORDER_SUMMARY);
    assertThat(orders.findById("ORDER-001").orElseThrow().status()).isEqualTo("DELIVERED");
    assertThat(orders.findById("ORDER-002")).isEmpty();

    poisoned.set(false);
    BatchResult resumed = engine.processEvents(events.subList(6, 8));

    assertThat(resumed.applied()).isEqualTo(2);
    assertThat(engine.isHealthy()).isTrue();
    assertThat(orders.findById("ORDER-001").orElseThrow().status()).isEqualTo("POISONED");
    assertThat(orders.findById("ORDER-002")).isPresent();
    assertThat(freshStore().loadState(ENGINE_PROJECTION).orElseThrow().healthy()).isTrue();
  }

  /**
   * Contract: under the dead-letter policy a failed event is stored as a dead letter and processing
   * goes on.
   */
  @Test
  @DisplayName("under the dead-letter policy a failed event is stored as a dead letter and processing goes on")
  default void deadLetterPolicy() {
    ProjectionEngine engine = engine(freshStore(), FailurePolicy.deadLetter(), new AtomicBoolean(true));
    BatchResult result = engine.processEvents(envelopes(1, List.of(
        new OrderCreated("ORDER-A", "CUST-A", "Ann", BigDecimal.ONE), new Poison("ORDER-A"),
        new OrderCreated("ORDER-B", "CUST-B", "Ben", BigDecimal.TEN))));

    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(result.checkpoint()).isEqualTo(3);
    ProjectionStore observer = freshStore();
    assertThat(observer.deadLetters(ENGINE_PROJECTION)).singleElement().satisfies(letter -> {
      assertThat(letter.position()).isEqualTo(2);
      assertThat(letter.errorType()).isEqualTo(IllegalStateException.class.getName());
      assertThat(letter.errorMessage()).contains("poisoned");
    });
    ReadModelView<OrderSummary> orders = engine(observer).readModel(ORDER_SUMMARY);
    assertThat(orders.findById("ORDER-A").orElseThrow().status()).isEqualTo("DRAFT");
    assertThat(orders.findById("ORDER-B")).isPresent();
  }

  /**
   * Contract: a document that cannot be serialised fails its event with a clear error and writes
   * nothing of it.
   */
  @Test
  @DisplayName("a document that cannot be serialised fails its event with a clear error and writes nothing of it")
  default void unserialisableDocument() {
    ProjectionEngine engine = engine(freshStore());
    Throwable failure = catchThrowable(() -> engine.processEvents(envelopes(1, List.of(
        new OrderCreated("ORDER-X", "CUST-X", "Xavier", BigDecimal.ONE), new Unserialisable("ORDER-X")))));

    assertThat(failure).isInstanceOf(ProjectionException.class);
    assertThat(failure).satisfiesAnyOf(
        f -> assertThat(f).isInstanceOf(SerializationException.class),
        f -> assertThat(f).hasRootCauseInstanceOf(IllegalStateException.class)
            .hasStackTraceContaining("SerializationException"));
    ProjectionStore observer = freshStore();
    assertThat(observer.count("broken_model")).isZero();
    assertThat(observer.loadState(ENGINE_PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
    assertThat(engine(observer).readModel(ORDER_SUMMARY).findById("ORDER-X")).isPresent();
  }

  /**
   * Contract: a stored document that cannot be read as its type gives a clear error, and an event
   * needing it changes nothing.
   */
  @Test
  @DisplayName("a stored document that cannot be read as its type gives a clear error, and an event needing it changes nothing")
  default void undeserialisableDocument() {
    ProjectionStore target = freshStore();
    ProjectionEngine engine = engine(target);
    long token = target.claimWriter("another-writer");
    target.commit(commit("another-writer", token, 0, 1, List.of(put("order_summary",
        doc("ORDER-BAD", "{\"orderId\":\"ORDER-BAD\",\"items\":{\"not\":\"a list\"},\"total\":[1]}",
            Map.of("status", "DRAFT"), 1)))));

    assertThatThrownBy(() -> engine.readModel(ORDER_SUMMARY).findById("ORDER-BAD"))
        .isInstanceOf(SerializationException.class);
    Throwable failure = catchThrowable(() -> engine.processEvents(envelopes(1, List.of(
        new OrderCreated("ORDER-OK", "CUST-1", "Olga", BigDecimal.ONE),
        new OrderConfirmed("ORDER-BAD")))));

    assertThat(failure).isInstanceOf(HandlerFailedException.class);
    assertThat(((HandlerFailedException) failure).position()).isEqualTo(2);
    ProjectionStore observer = freshStore();
    assertThat(observer.loadState(ENGINE_PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(1);
    assertThat(StoreFixtures.tree(observer.find("order_summary", "ORDER-BAD").orElseThrow().json()).get("items").isObject())
        .as("the unreadable document is left as it was").isTrue();
    assertThat(observer.find("order_summary", "ORDER-OK")).isPresent();
  }

  /**
   * Contract: two engines on one projection: the one that lost ownership cannot commit, and no
   * event is applied twice.
   */
  @Test
  @DisplayName("two engines on one projection: the one that lost ownership cannot commit, and no event is applied twice")
  default void secondEngineFencesFirst() {
    ProjectionEngine first = engine(freshStore());
    first.processEvents(exampleEvents().subList(0, 5));
    ProjectionEngine second = engine(freshStore());
    BatchResult taken = second.processEvents(exampleEvents());

    Throwable refused = catchThrowable(() -> first.processEvents(exampleEvents().subList(5, 10)));

    assertThat(taken.skipped()).isEqualTo(5);
    assertThat(refused).isInstanceOf(ProjectionConflictException.class);
    assertExampleReadModel(engine(freshStore()).readModel(ORDER_SUMMARY));
  }
}
