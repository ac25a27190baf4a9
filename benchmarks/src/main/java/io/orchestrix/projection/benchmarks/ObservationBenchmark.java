package io.orchestrix.projection.benchmarks;

import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.benchmarks.DispatchBenchmark.Tick;
import io.orchestrix.projection.benchmarks.DispatchBenchmark.TickHandler;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.ProjectionEngineBuilder;
import io.orchestrix.projection.core.Projections;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * What observations cost in dispatch: {@link DispatchBenchmark}'s batch of 1,000 single-handler
 * events, side by side with no {@code ObservationRegistry} ({@code none}, the default), with
 * {@code ObservationRegistry.NOOP} ({@code noop}), and with a registry that records a timer per
 * observation ({@code timers}: one per handler invocation and one per commit). Scores are events per
 * second. Compare {@code none} with {@code DispatchBenchmark.engineProcessEventsBatch} of a build
 * without tracing to see the cost of the hook itself.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ObservationBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ObservationBenchmark {

  private static final Instant OCCURRED_AT = Instant.parse("2026-01-01T00:00:00Z");

  /** Which registry the engine gets. */
  @Param({"none", "noop", "timers"})
  public String registry;

  ProjectionEngine engine;
  List<EventEnvelope<?>> batch;
  long position;

  /** One engine for the whole trial. */
  @Setup(Level.Trial)
  public void setUp() {
    ProjectionEngineBuilder builder = Projections.engine("observation-benchmark")
        .store(new InMemoryProjectionStateStore());
    if (registry.equals("noop")) {
      builder.observationRegistry(ObservationRegistry.NOOP);
    } else if (registry.equals("timers")) {
      ObservationRegistry timers = ObservationRegistry.create();
      timers.observationConfig().observationHandler(
          new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
      builder.observationRegistry(timers);
    }
    engine = builder.build();
    TickHandler handler = new TickHandler();
    engine.on(Tick.class, handler::on);
    position = 0;
  }

  /** The next 1,000 events; not timed. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    List<EventEnvelope<?>> next = new ArrayList<>(DispatchBenchmark.BATCH);
    for (int i = 0; i < DispatchBenchmark.BATCH; i++) {
      position++;
      next.add(EventEnvelope.of("e" + position, "s" + (position % 100), position, OCCURRED_AT,
          new Tick(position)));
    }
    batch = next;
  }

  /** 1,000 events per {@code processEvents}. */
  @Benchmark
  @OperationsPerInvocation(DispatchBenchmark.BATCH)
  public BatchResult processEventsBatch() {
    return engine.processEvents(batch);
  }
}
