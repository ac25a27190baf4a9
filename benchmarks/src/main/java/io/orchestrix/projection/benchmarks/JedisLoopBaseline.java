package io.orchestrix.projection.benchmarks;

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
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The hand-written Jedis loop of {@code WORKLOAD.md}: one MULTI/EXEC per 1,000 events plus the
 * checkpoint, pipelined (Jedis queues a transaction's commands without waiting for replies). The read
 * model is a hash per order (total kept in exact integer cents with {@code HINCRBY}) and a set per
 * status and per customer id, kept in step as the engine's Redis store keeps its indexes. Every key
 * lives under its own prefix. Unlike the engine's store it does not fence the checkpoint against a
 * second writer, which only makes it faster.
 */
final class JedisLoopBaseline implements Contender {

  static final String DEFAULT_PREFIX = "bench-loop:";

  private final Jedis jedis;
  private final String prefix;

  JedisLoopBaseline(String uri, String prefix) {
    this.jedis = new Jedis(URI.create(uri));
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return "Jedis loop";
  }

  private String document(String orderId) {
    return prefix + "doc:" + orderId;
  }

  private String index(String field, String value) {
    return prefix + "idx:" + field + ":" + value;
  }

  private String checkpointKey() {
    return prefix + "checkpoint";
  }

  @Override
  public void reset() {
    unlinkKeys(jedis, prefix);
    jedis.set(checkpointKey(), "0");
  }

  /** Unlinks every key that starts with {@code prefix}, found with {@code SCAN}. */
  static void unlinkKeys(Jedis jedis, String prefix) {
    ScanParams params = new ScanParams().match(prefix + "*").count(1_000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      if (!page.getResult().isEmpty()) {
        jedis.unlink(page.getResult().toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  @Override
  public WorkloadRunner.Result run(List<EventEnvelope<WorkloadEvent>> events, int batchSize) {
    String stored = jedis.get(checkpointKey());
    long from = stored == null ? 0 : Long.parseLong(stored);
    long checkpoint = from;
    long applied = 0;
    long started = System.nanoTime();
    // the workload's positions are 1..N, so the event after checkpoint c sits at index c
    for (int start = (int) from; start < events.size(); start += batchSize) {
      List<EventEnvelope<WorkloadEvent>> batch =
          events.subList(start, Math.min(start + batchSize, events.size()));
      Transaction transaction = jedis.multi();
      int commands = 1;
      for (EventEnvelope<WorkloadEvent> event : batch) {
        commands += add(transaction, event.payload());
      }
      long last = batch.get(batch.size() - 1).position();
      transaction.set(checkpointKey(), Long.toString(last));
      List<Object> replies = transaction.exec();
      if (replies == null || replies.size() != commands) {
        throw new IllegalStateException("Jedis loop: the transaction was discarded or cut short");
      }
      checkpoint = last;
      applied += batch.size();
    }
    return new WorkloadRunner.Result(from, checkpoint, applied, System.nanoTime() - started);
  }

  /** Queues the event's writes; returns how many commands it queued. */
  private int add(Transaction transaction, WorkloadEvent event) {
    if (event instanceof OrderCreated c) {
      Map<String, String> fields = new HashMap<>(8);
      fields.put("customerId", c.customerId());
      fields.put("customerName", c.customerName());
      fields.put("status", Status.CREATED.name());
      fields.put("itemCount", "0");
      fields.put("totalCents", "0");
      transaction.hset(document(c.orderId()), fields);
      transaction.sadd(index("status", Status.CREATED.name()), c.orderId());
      transaction.sadd(index("customer_id", c.customerId()), c.orderId());
      return 3;
    } else if (event instanceof ItemAdded i) {
      String key = document(i.orderId());
      transaction.hincrBy(key, "itemCount", i.qty());
      transaction.hincrBy(key, "totalCents", i.lineTotal().movePointRight(2).longValueExact());
      return 2;
    } else if (event instanceof OrderShipped s) {
      Map<String, String> fields = new HashMap<>(4);
      fields.put("status", Status.SHIPPED.name());
      fields.put("carrier", s.carrier());
      fields.put("tracking", s.tracking());
      transaction.hset(document(s.orderId()), fields);
      transaction.srem(index("status", Status.CREATED.name()), s.orderId());
      transaction.sadd(index("status", Status.SHIPPED.name()), s.orderId());
      return 3;
    }
    throw new IllegalArgumentException("not a workload event: " + event);
  }

  @Override
  public ReadModelDigest digest() {
    List<OrderSummaryDocument> documents = new ArrayList<>();
    ScanParams params = new ScanParams().match(prefix + "doc:*").count(1_000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      Pipeline pipeline = jedis.pipelined();
      List<Response<Map<String, String>>> hashes = new ArrayList<>();
      for (String key : page.getResult()) {
        hashes.add(pipeline.hgetAll(key));
      }
      pipeline.sync();
      for (int i = 0; i < hashes.size(); i++) {
        Map<String, String> hash = hashes.get(i).get();
        String orderId = page.getResult().get(i).substring((prefix + "doc:").length());
        documents.add(new OrderSummaryDocument(orderId, hash.get("customerId"),
            hash.get("customerName"), Status.valueOf(hash.get("status")),
            Long.parseLong(hash.get("itemCount")),
            BigDecimal.valueOf(Long.parseLong(hash.get("totalCents")), 2), hash.get("carrier"),
            hash.get("tracking")));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return ReadModelDigest.of(documents.stream());
  }

  @Override
  public void close() {
    jedis.close();
  }
}
