package io.orchestrix.projection.examples;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The standard workload's bench through a {@link ProjectionRunner} on a JDBC event store: the events
 * are appended first if the store does not hold them yet (not timed); the clock then runs from the
 * runner's start, from the projection's stored checkpoint, until its checkpoint reaches N. Prints the
 * lines of {@code bench}: fingerprint, events/s, checkpoint and digest.
 */
final class RunnerBench {

  private static final int EVENTS_PER_APPEND = 1_000;

  private RunnerBench() {}

  /**
   * Runs the bench and returns the exit code: 0, 2 with a one-line error on {@code err}, or 130 if
   * the thread was interrupted.
   */
  static int run(PrintWriter out, PrintWriter err, String storeUri, Map<String, String> storeProperties,
      String sourceUrl, Map<String, String> sourceProperties, int events, int batchSize,
      boolean reset) {
    try {
      return timed(out, err, storeUri, storeProperties, sourceUrl, sourceProperties, events,
          batchSize, reset);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return 130;
    }
  }

  private static int timed(PrintWriter out, PrintWriter err, String storeUri,
      Map<String, String> storeProperties, String sourceUrl, Map<String, String> sourceProperties,
      int events, int batchSize, boolean reset) throws InterruptedException {
    StandardWorkload workload = StandardWorkload.of(events);
    out.printf(Locale.ROOT, "workload     %,d events, %,d orders, fingerprint %s%n", events,
        workload.orders(), Fingerprint.of(workload).hex());
    out.flush();
    try (JdbcEventStore source = WorkloadEventStore.open(sourceUrl, sourceProperties);
         ProjectionStore store = ProjectionStoreProviders.open(storeUri, storeProperties)) {
      out.println("event store  " + source.description());
      out.flush();
      WorkloadEventStore.Appended appended;
      try {
        appended = WorkloadEventStore.append(source, workload, EVENTS_PER_APPEND);
      } catch (WorkloadEventStore.WorkloadMismatchException e) {
        err.println("error: " + e.getMessage());
        return 2;
      }
      out.printf(Locale.ROOT, "appended     %,d events (not timed), %.3f s; the store holds %,d%n",
          appended.events(), appended.nanos() / 1e9, appended.toHead());
      out.println("store        " + store.description());
      ProjectionEngine engine = WorkloadProjection.engine(store, batchSize);
      if (reset) {
        engine.operations().reset();
      }
      String id = engine.projectionId();
      long from = engine.state().lastProcessedPosition();
      if (from > events) {
        err.printf(Locale.ROOT, "error: projection '%s' has its stored checkpoint at %d, beyond this"
            + " stream's last position %d; reset it or use that run's event count%n", id, from, events);
        return 2;
      }
      long nanos;
      ProjectionStatus status;
      try (ProjectionRunner runner = ProjectionRunner.builder(source).projection(engine)
          .batchSize(batchSize).build()) {
        long started = System.nanoTime();
        runner.start();
        while (!runner.awaitPosition(id, events, Duration.ofSeconds(1))) {
          status = runner.status(id);
          if (status.state() == ProjectionStatus.RunState.FAILED) {
            runner.stop();
            err.println("error: projection '" + id + "' failed: " + status.lastError());
            return 2;
          }
        }
        nanos = System.nanoTime() - started;
        runner.stop();
        status = runner.status(id);
      }
      long processed = status.position() - from;
      out.printf(Locale.ROOT, "resumed from checkpoint %,d%n", from);
      out.printf(Locale.ROOT, "processed    %,d events in %.3f s, batch size %,d, ProjectionRunner on"
              + " the event store: %,.0f events/s%n", processed, nanos / 1e9, batchSize,
          nanos == 0 ? 0 : processed * 1e9 / nanos);
      out.printf(Locale.ROOT, "checkpoint   %,d%n", engine.state().lastProcessedPosition());
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
    out.flush();
    return 0;
  }
}
