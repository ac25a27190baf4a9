package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.Projections;
import java.time.Instant;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dispatch of a single-handler event (issue 2, "Speed"): through the engine on the in-memory store,
 * one {@code handleEvent} per event and one {@code processEvents} per 1,000 events, beside a plain
 * Java loop that calls the same handler through a {@code Map<Class<?>, Consumer<Object>>} lookup.
 * Every benchmark consumes the same freshly built batch of 1,000 envelopes per invocation (built in an
 * untimed per-invocation setup, because the engine skips positions at or below its checkpoint), and
 * counts each event as one operation, so the scores are events per second.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DispatchBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class DispatchBenchmark {

  /** Events per invocation, and per {@code processEvents} batch. */
  public static final int BATCH = 1_000;

  private static final Instant OCCURRED_AT = Instant.parse("2026-01-01T00:00:00Z");

  /** The event: one number. */
  public record Tick(long value) {}

  /** The single handler both sides call: it adds up the ticks. */
  public static final class TickHandler {
    long total;

    void on(Tick tick) {
      total += tick.value();
    }

    /** The sum of every tick handled. */
    public long total() {
      return total;
    }
  }

  TickHandler handler;
  ProjectionEngine engine;
  Map<Class<?>, Consumer<Object>> handlers;
  List<EventEnvelope<?>> batch;
  long position;

  /** One engine and one handler map for the whole trial. */
  @Setup(Level.Trial)
  public void setUp() {
    handler = new TickHandler();
    engine = Projections.engine("dispatch-benchmark").store(new InMemoryProjectionStateStore()).build();
    engine.on(Tick.class, handler::on);
    handlers = new HashMap<>();
    handlers.put(Tick.class, event -> handler.on((Tick) event));
    position = 0;
  }

  /** The next 1,000 events, at positions after every earlier one; not timed. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    List<EventEnvelope<?>> next = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      position++;
      next.add(EventEnvelope.of("e" + position, "s" + (position % 100), position, OCCURRED_AT,
          new Tick(position)));
    }
    batch = next;
  }

  /** The engine, 1,000 events per {@code processEvents}: one unit of work and one commit. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public BatchResult engineProcessEventsBatch() {
    return engine.processEvents(batch);
  }

  /** The engine, one {@code handleEvent} (a batch of one, with its own commit) per event. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long engineHandleEventPerEvent() {
    long checkpoint = 0;
    for (EventEnvelope<?> event : batch) {
      checkpoint = engine.handleEvent(event).checkpoint();
    }
    return checkpoint;
  }

  /** The plain loop: look the handler up by payload class and call it. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long plainMapLoop() {
    for (EventEnvelope<?> event : batch) {
      Object payload = event.payload();
      handlers.get(payload.getClass()).accept(payload);
    }
    return handler.total;
  }
}
