package io.orchestrix.projection.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.UpdateResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument.Status;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * The hand-written MongoDB loop: per 1,000 events one ordered {@code bulkWrite} of one write per
 * event (insert for {@code OrderCreated}, {@code $inc} of item count and exact integer cents for
 * {@code ItemAdded}, {@code $set} for {@code OrderShipped}) into a collection indexed by status and
 * customer id, then the checkpoint update, guarded by the expected position. No transaction (a
 * standalone server has none), so it is as fast as the server allows and weaker than the engine's
 * store, which keeps exactly-once effect.
 */
final class MongoBulkBaseline implements Contender {

  static final String ORDERS = "bench_loop_order_summary";
  static final String CHECKPOINTS = "bench_loop_checkpoint";
  static final String PROJECTION_ID = "order-summary-loop";

  private final MongoClient client;
  private final MongoCollection<Document> orders;
  private final MongoCollection<Document> checkpoints;

  MongoBulkBaseline(String uri) {
    ConnectionString connection = new ConnectionString(uri);
    String database = connection.getDatabase() == null ? "bench" : connection.getDatabase();
    this.client = MongoClients.create(connection);
    this.orders = client.getDatabase(database).getCollection(ORDERS);
    this.checkpoints = client.getDatabase(database).getCollection(CHECKPOINTS);
  }

  @Override
  public String name() {
    return "Mongo bulkWrite loop";
  }

  @Override
  public void reset() {
    orders.drop();
    orders.createIndex(Indexes.ascending("status"));
    orders.createIndex(Indexes.ascending("customerId"));
    checkpoints.replaceOne(Filters.eq("_id", PROJECTION_ID),
        new Document("_id", PROJECTION_ID).append("position", 0L), new ReplaceOptions().upsert(true));
  }

  @Override
  public WorkloadRunner.Result run(List<EventEnvelope<WorkloadEvent>> events, int batchSize) {
    Document stored = checkpoints.find(Filters.eq("_id", PROJECTION_ID)).first();
    long from = stored == null ? 0 : stored.get("position", Number.class).longValue();
    long checkpoint = from;
    long applied = 0;
    BulkWriteOptions ordered = new BulkWriteOptions().ordered(true);
    long started = System.nanoTime();
    // the workload's positions are 1..N, so the event after checkpoint c sits at index c
    for (int start = (int) from; start < events.size(); start += batchSize) {
      List<EventEnvelope<WorkloadEvent>> batch =
          events.subList(start, Math.min(start + batchSize, events.size()));
      List<WriteModel<Document>> writes = new ArrayList<>(batch.size());
      for (EventEnvelope<WorkloadEvent> event : batch) {
        writes.add(write(event.payload()));
      }
      orders.bulkWrite(writes, ordered);
      long last = batch.get(batch.size() - 1).position();
      UpdateResult moved = checkpoints.updateOne(
          Filters.and(Filters.eq("_id", PROJECTION_ID), Filters.eq("position", checkpoint)),
          Updates.set("position", last));
      if (moved.getMatchedCount() != 1) {
        throw new IllegalStateException("Mongo loop: the checkpoint is no longer " + checkpoint);
      }
      checkpoint = last;
      applied += batch.size();
    }
    return new WorkloadRunner.Result(from, checkpoint, applied, System.nanoTime() - started);
  }

  private static WriteModel<Document> write(WorkloadEvent event) {
    if (event instanceof OrderCreated c) {
      return new InsertOneModel<>(new Document("_id", c.orderId())
          .append("customerId", c.customerId())
          .append("customerName", c.customerName())
          .append("status", Status.CREATED.name())
          .append("itemCount", 0L)
          .append("totalCents", 0L));
    }
    if (event instanceof ItemAdded i) {
      return new UpdateOneModel<>(Filters.eq("_id", i.orderId()), Updates.combine(
          Updates.inc("itemCount", (long) i.qty()),
          Updates.inc("totalCents", i.lineTotal().movePointRight(2).longValueExact())));
    }
    if (event instanceof OrderShipped s) {
      return new UpdateOneModel<>(Filters.eq("_id", s.orderId()), Updates.combine(
          Updates.set("status", Status.SHIPPED.name()),
          Updates.set("carrier", s.carrier()),
          Updates.set("tracking", s.tracking())));
    }
    throw new IllegalArgumentException("not a workload event: " + event);
  }

  @Override
  public ReadModelDigest digest() {
    List<OrderSummaryDocument> documents = new ArrayList<>();
    for (Document document : orders.find()) {
      documents.add(new OrderSummaryDocument(document.getString("_id"),
          document.getString("customerId"), document.getString("customerName"),
          Status.valueOf(document.getString("status")),
          document.get("itemCount", Number.class).longValue(),
          BigDecimal.valueOf(document.get("totalCents", Number.class).longValue(), 2),
          document.getString("carrier"), document.getString("tracking")));
    }
    return ReadModelDigest.of(documents.stream());
  }

  @Override
  public void close() {
    client.close();
  }
}
