package io.orchestrix.projection.examples;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.examples.kafka.WorkloadAppender;
import io.orchestrix.projection.examples.kafka.WorkloadLayout;
import io.orchestrix.projection.examples.kafka.WorkloadTopicException;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.kafka.KafkaProjectionSource;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine;

/**
 * The standard workload's bench through a {@link KafkaProjectionSource}: the workload is appended to
 * the topic first if the topic does not hold it yet (not timed); the clock then runs from the source's
 * start, from the stored checkpoints, until every partition's checkpoint reached the end offset the
 * workload gives it ({@link WorkloadLayout}). Prints the lines of {@code bench}.
 */
final class KafkaBench {

  private KafkaBench() {}

  /** Runs the bench; returns 0, 2 with a one-line error, or 130 if interrupted. */
  static int run(CommandLine commandLine, String storeUri, Map<String, String> storeProperties,
      KafkaOptions kafka, OptionalInt topicPartitions, int events, int batchSize, boolean reset) {
    PrintWriter out = commandLine.getOut();
    PrintWriter err = commandLine.getErr();
    StandardWorkload workload = StandardWorkload.of(events);
    out.printf(Locale.ROOT, "workload     %,d events, %,d orders, fingerprint %s%n", events,
        workload.orders(), Fingerprint.of(workload).hex());
    out.flush();
    WorkloadAppender.Appended appended;
    try {
      appended = WorkloadAppender.append(kafka.bootstrapServers(), kafka.topic(), topicPartitions,
          workload);
    } catch (WorkloadTopicException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    WorkloadLayout layout = appended.layout();
    out.printf(Locale.ROOT, "appended     %,d events to topic %s (%d partitions, not timed), %.3f s;"
            + " it holds %,d%n", appended.sent(), kafka.topic(), layout.partitions(),
        appended.nanos() / 1e9, appended.alreadyThere() + appended.sent());
    try (ProjectionStore store = ProjectionStoreProviders.open(storeUri, storeProperties)) {
      out.println("store        " + store.description());
      ProjectionEngine engine = WorkloadProjection.engine(store, batchSize,
          io.orchestrix.projection.FailurePolicy.stop(), layout.partitions());
      if (reset) {
        engine.operations().reset();
      }
      long from = 0;
      for (int p = 0; p < layout.partitions(); p++) {
        long checkpoint = store.loadState(ProjectionIds.partitionKey(engine.projectionId(), p))
            .map(ProjectionState::lastProcessedPosition).orElse(0L);
        if (checkpoint > layout.endOffset(p)) {
          err.printf(Locale.ROOT, "error: partition %d of projection '%s' has its checkpoint at %d,"
              + " beyond the %d records the workload of %d events puts there; reset it or use that"
              + " run's event count%n", p, engine.projectionId(), checkpoint, layout.endOffset(p),
              events);
          return 2;
        }
        from += checkpoint;
      }
      KafkaProjectionSource source = KafkaSourceFactory.source(commandLine, engine, kafka, batchSize);
      long started = System.nanoTime();
      source.start();
      try {
        for (int p = 0; p < layout.partitions(); p++) {
          while (layout.endOffset(p) > 0
              && !source.awaitPosition(kafka.topic(), p, layout.endOffset(p) - 1, Duration.ofSeconds(1))) {
            String failure = KafkaFollow.failure(source.status());
            if (failure != null) {
              err.println("error: projection '" + engine.projectionId() + "' failed: " + failure);
              return 2;
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("error: interrupted");
        return 130;
      } finally {
        source.stop();
      }
      long nanos = System.nanoTime() - started;
      long processed = events - from;
      out.printf(Locale.ROOT, "resumed from checkpoint %,d%n", from);
      out.printf(Locale.ROOT, "processed    %,d events in %.3f s, batch size %,d, KafkaProjectionSource"
              + " on %d partitions: %,.0f events/s%n", processed, nanos / 1e9, batchSize,
          layout.partitions(), nanos == 0 ? 0 : processed * 1e9 / nanos);
      out.printf(Locale.ROOT, "checkpoint   %,d%n", events);
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
    out.flush();
    return 0;
  }
}
