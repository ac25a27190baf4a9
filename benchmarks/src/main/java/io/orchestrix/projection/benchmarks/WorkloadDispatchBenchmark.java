package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The standard workload's real handlers without I/O: the engine on the in-memory store, 1,000 events
 * per {@code processEvents}, beside a plain loop that applies the same document changes to a
 * {@code HashMap} through a {@code Map<Class<?>, Consumer<Object>>} lookup. The difference is what the
 * engine itself costs per event on this workload (unit of work, JSON documents, index values, commit).
 * Scores are events per second.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar WorkloadDispatchBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Thread)
public class WorkloadDispatchBenchmark {

  /** Events per invocation and per batch. */
  public static final int BATCH = 1_000;
  /** Events generated once per trial and projected again by a fresh engine when used up. */
  @Param("1000000")
  int events;

  List<EventEnvelope<WorkloadEvent>> stream;
  ProjectionEngine engine;
  Map<String, OrderSummaryDocument> documents;
  Map<Class<?>, Consumer<Object>> handlers;
  List<EventEnvelope<WorkloadEvent>> batch;
  int next;

  /** The stream, once. */
  @Setup(Level.Trial)
  public void generate() {
    stream = StandardWorkload.of(events).toList();
    handlers = new HashMap<>();
    handlers.put(OrderCreated.class, e -> created((OrderCreated) e));
    handlers.put(ItemAdded.class, e -> {
      ItemAdded added = (ItemAdded) e;
      documents.put(added.orderId(), documents.get(added.orderId()).withItem(added));
    });
    handlers.put(OrderShipped.class, e -> {
      OrderShipped shipped = (OrderShipped) e;
      documents.put(shipped.orderId(), documents.get(shipped.orderId()).shipped(shipped));
    });
    startOver();
  }

  private void created(OrderCreated event) {
    documents.put(event.orderId(), OrderSummaryDocument.created(event));
  }

  private void startOver() {
    engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), BATCH);
    documents = new HashMap<>();
    next = 0;
  }

  /** The next 1,000 events; a fresh engine and map when the stream is used up. Not timed. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    if (next + BATCH > stream.size()) {
      startOver();
    }
    batch = stream.subList(next, next + BATCH);
    next += BATCH;
  }

  /** The engine with the workload's projection on the in-memory store. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public BatchResult engineInMemory() {
    return engine.processEvents(batch);
  }

  /** The same document changes, by hand, into a HashMap. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int plainHashMapLoop() {
    for (EventEnvelope<WorkloadEvent> event : batch) {
      Object payload = event.payload();
      handlers.get(payload.getClass()).accept(payload);
    }
    return documents.size();
  }
}
