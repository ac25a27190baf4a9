package io.orchestrix.projection.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import org.junit.jupiter.api.Test;

/** Runs the workload benchmark's methods outside JMH on a small stream: both sides build one model. */
class WorkloadDispatchBenchmarkTest {

  @Test
  void theEngineAndThePlainLoopBuildTheSameDocumentsAndStartOverWhenTheStreamIsUsedUp() {
    WorkloadDispatchBenchmark benchmark = new WorkloadDispatchBenchmark();
    benchmark.events = 5_000;
    benchmark.generate();
    for (int i = 0; i < 5; i++) {
      benchmark.nextBatch();
      assertThat(benchmark.engineInMemory().applied()).isEqualTo(WorkloadDispatchBenchmark.BATCH);
    }
    ReadModelDigest engine = ReadModelDigest.of(
        benchmark.engine.readModel(OrderSummaryDocument.READ_MODEL));

    benchmark.generate();
    for (int i = 0; i < 5; i++) {
      benchmark.nextBatch();
      benchmark.plainHashMapLoop();
    }
    ReadModelDigest plain = ReadModelDigest.of(benchmark.documents.values().stream());
    benchmark.nextBatch();

    assertThat(plain).isEqualTo(engine);
    assertThat(engine.documents()).isEqualTo(1_000);
    assertThat(benchmark.next).as("a fresh start after the stream was used up")
        .isEqualTo(WorkloadDispatchBenchmark.BATCH);
    assertThat(benchmark.documents).isEmpty();
  }
}
