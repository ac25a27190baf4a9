package io.orchestrix.projection.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs each benchmark method once, outside JMH, to prove it does the work it claims to measure. */
class DispatchBenchmarkTest {

  private static final long SUM_OF_ONE_TO_A_THOUSAND = 1_000L * 1_001 / 2;

  @Test
  void everyBenchmarkDispatchesEachEventOfItsBatchToTheHandlerOnce() {
    DispatchBenchmark benchmark = new DispatchBenchmark();
    benchmark.setUp();

    benchmark.nextBatch();
    assertThat(benchmark.engineProcessEventsBatch().applied()).isEqualTo(DispatchBenchmark.BATCH);
    assertThat(benchmark.handler.total()).isEqualTo(SUM_OF_ONE_TO_A_THOUSAND);

    benchmark.nextBatch();
    assertThat(benchmark.engineHandleEventPerEvent()).isEqualTo(2_000);
    benchmark.nextBatch();
    benchmark.plainMapLoop();

    long sumOfOneToThreeThousand = 3_000L * 3_001 / 2;
    assertThat(benchmark.handler.total()).isEqualTo(sumOfOneToThreeThousand);
    assertThat(benchmark.engine.state().lastProcessedPosition()).isEqualTo(2_000);
  }
}
