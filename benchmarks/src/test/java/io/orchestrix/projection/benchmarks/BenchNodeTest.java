package io.orchestrix.projection.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A node of the partition benchmarks processes every partition and builds the workload's read model. */
class BenchNodeTest {

  private static final int EVENTS = 1_000;

  @TempDir
  Path directory;

  @Test
  void aNodeAloneProcessesEveryPartitionUpToTheTargetAndBuildsTheReferenceReadModel() {
    String source = "jdbc:h2:file:" + directory.resolve("events").toAbsolutePath();
    String store = "jdbc:h2:file:" + directory.resolve("store").toAbsolutePath();
    List<EventEnvelope<WorkloadEvent>> workload = StandardWorkload.of(EVENTS).toList();
    try (JdbcEventStore events = JdbcEventStore.open(source, BenchNode.TYPES, Map.of())) {
      workload.forEach(event -> events.append(event.streamId(), event.payload()));
    }
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exitCode;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      exitCode = new CommandLine(new BenchNode()).execute("--store", store, "--source", source,
          "--partitions", "3", "--node", "test-node", "--lease-seconds", "3",
          "--until", Integer.toString(EVENTS), "--batch-size", "100", "--handler-wait-micros", "10");
    } finally {
      System.setOut(original);
    }

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(exitCode).as(output).isZero();
    assertThat(output).contains("owned 3 [0, 1, 2]", "reached-epoch-ms ",
        "all 3 partitions reached 1,000", "1,000 handler waits of 10 µs asked");
    var reference = WorkloadProjection.engine(new InMemoryProjectionStateStore(), 100);
    WorkloadRunner.run(reference, workload, 100, checkpoint -> { });
    try (ProjectionStore stored = ProjectionStoreProviders.open(store)) {
      var engine = WorkloadProjection.engine(stored, 100, FailurePolicy.stop(), 3);
      assertThat(ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)))
          .isEqualTo(ReadModelDigest.of(reference.readModel(OrderSummaryDocument.READ_MODEL)));
    }
  }
}
