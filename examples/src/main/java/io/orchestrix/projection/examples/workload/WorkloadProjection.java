package io.orchestrix.projection.examples.workload;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.core.ProjectionEngineBuilder;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import io.orchestrix.projection.spi.ProjectionStore;
import org.jspecify.annotations.Nullable;

/**
 * The standard workload's projection: three handlers that keep {@link OrderSummaryDocument}s, with a
 * prefetch by stream id (the order id is the document id) so a batch loads every document it misses in
 * one round trip. Each event changes exactly one document.
 */
public final class WorkloadProjection {

  /** The projection id every workload run uses, so a run resumes from its stored checkpoint. */
  public static final String PROJECTION_ID = "order-summary-bench";

  private static final String MISSING = "no order_summary document for %s: its OrderCreated was not"
      + " applied before event %s at position %d";

  private WorkloadProjection() {}

  /**
   * An engine on the store with the read model declared, the prefetch set and the handlers
   * registered; {@code batchSize} is also the batch of {@link ProjectionEngine#replay}.
   *
   * @throws IllegalArgumentException if the batch size is not 1 to 100,000
   */
  public static ProjectionEngine engine(ProjectionStore store, int batchSize) {
    return engine(store, batchSize, FailurePolicy.stop());
  }

  /** The workload's projection with a failure policy of its own. */
  public static ProjectionEngine engine(ProjectionStore store, int batchSize,
      FailurePolicy failurePolicy) {
    return engine(store, batchSize, failurePolicy, 1);
  }

  /**
   * The workload's projection split into partitions by order id (each order's stream is one
   * partition's).
   */
  public static ProjectionEngine engine(ProjectionStore store, int batchSize,
      FailurePolicy failurePolicy, int partitions) {
    return engine(store, batchSize, failurePolicy, partitions, "1");
  }

  /** The workload's projection declaring a version of its own (a rebuild without downtime). */
  public static ProjectionEngine engine(ProjectionStore store, int batchSize,
      FailurePolicy failurePolicy, int partitions, String version) {
    return engine(store, batchSize, failurePolicy, partitions, version, 0);
  }

  /**
   * The workload's projection declaring a version of its own, whose build beside the live version
   * processes at most {@code buildRateLimit} events per second (0: no limit).
   */
  public static ProjectionEngine engine(ProjectionStore store, int batchSize,
      FailurePolicy failurePolicy, int partitions, String version, int buildRateLimit) {
    ProjectionEngine engine = builder(store, batchSize, failurePolicy, partitions).version(version)
        .buildRateLimit(buildRateLimit).build();
    register(engine);
    return engine;
  }

  /**
   * The workload's projection of a version, for a rebuild without downtime whose cut-over may be
   * verified. {@code changedOrder}, when not null, names an order whose document these handlers
   * deliberately get wrong (its customer name in upper case): a changed handler that a verified
   * cut-over must catch. The build processes at most {@code buildRateLimit} events per second (0:
   * no limit).
   */
  public static ProjectionEngine engine(ProjectionStore store, int batchSize, String version,
      boolean verifyBeforeCutOver, @Nullable String changedOrder, int buildRateLimit) {
    ProjectionEngine engine = builder(store, batchSize, FailurePolicy.stop(), 1).version(version)
        .verifyBeforeCutOver(verifyBeforeCutOver).buildRateLimit(buildRateLimit).build();
    register(engine, changedOrder);
    return engine;
  }

  /**
   * The workload's projection, unversioned, whose handlers deliberately get {@code changedOrder}'s
   * document wrong when it is not null (as {@link #engine(ProjectionStore, int, String, boolean,
   * String, int)} does): a changed handler that a verified move into another store must catch.
   */
  public static ProjectionEngine engine(ProjectionStore store, int batchSize,
      @Nullable String changedOrder) {
    ProjectionEngine engine = builder(store, batchSize, FailurePolicy.stop(), 1).build();
    register(engine, changedOrder);
    return engine;
  }

  /**
   * The workload's projection that also counts, in {@link AppliedEvents}, the events it applies to
   * each order: a check that every event is applied exactly once, for tests and demonstrations. It
   * writes one more document per order and batch.
   */
  public static ProjectionEngine countingEngine(ProjectionStore store, int batchSize,
      FailurePolicy failurePolicy, int partitions) {
    ProjectionEngine engine = builder(store, batchSize, failurePolicy, partitions)
        .readModel(AppliedEvents.READ_MODEL)
        .prefetch(AppliedEvents.READ_MODEL, EventEnvelope::streamId)
        .build();
    register(engine);
    engine.on(WorkloadEvent.class, (WorkloadEvent event, HandlerContext context) -> {
      ReadModelRepository<AppliedEvents> counts = context.readModel(AppliedEvents.READ_MODEL);
      counts.save(counts.findById(event.orderId())
          .orElse(new AppliedEvents(event.orderId(), 0)).plusOne());
    });
    return engine;
  }

  private static ProjectionEngineBuilder builder(ProjectionStore store, int batchSize,
      FailurePolicy failurePolicy, int partitions) {
    return Projections.engine(PROJECTION_ID)
        .partitions(partitions)
        .store(store)
        .readModel(OrderSummaryDocument.READ_MODEL)
        .prefetch(OrderSummaryDocument.READ_MODEL, EventEnvelope::streamId)
        .batchSize(batchSize)
        .failurePolicy(failurePolicy);
  }

  /** Registers the workload's three handlers on an engine that declares the read model. */
  public static void register(ProjectionEngine engine) {
    register(engine, null);
  }

  private static void register(ProjectionEngine engine, @Nullable String changedOrder) {
    engine.on(OrderCreated.class, (OrderCreated event, HandlerContext context) -> {
      OrderSummaryDocument created = OrderSummaryDocument.created(event);
      context.readModel(OrderSummaryDocument.READ_MODEL).save(!event.orderId().equals(changedOrder)
          ? created : new OrderSummaryDocument(created.orderId(), created.customerId(),
              created.customerName().toUpperCase(java.util.Locale.ROOT), created.status(),
              created.itemCount(), created.totalAmount(), null, null));
    });
    engine.on(ItemAdded.class, (ItemAdded event, HandlerContext context) -> {
      ReadModelRepository<OrderSummaryDocument> orders =
          context.readModel(OrderSummaryDocument.READ_MODEL);
      orders.save(existing(orders, event.orderId(), context).withItem(event));
    });
    engine.on(OrderShipped.class, (OrderShipped event, HandlerContext context) -> {
      ReadModelRepository<OrderSummaryDocument> orders =
          context.readModel(OrderSummaryDocument.READ_MODEL);
      orders.save(existing(orders, event.orderId(), context).shipped(event));
    });
  }

  private static OrderSummaryDocument existing(
      ReadModelRepository<OrderSummaryDocument> orders, String orderId, HandlerContext context) {
    return orders.findById(orderId).orElseThrow(() -> new IllegalStateException(String.format(
        MISSING, orderId, context.envelope().eventId(), context.envelope().position())));
  }
}
