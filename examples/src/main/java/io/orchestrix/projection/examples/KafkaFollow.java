package io.orchestrix.projection.examples;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.examples.kafka.WorkloadLayout;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.kafka.KafkaPartitionStatus;
import io.orchestrix.projection.kafka.KafkaProjectionSource;
import io.orchestrix.projection.kafka.KafkaSourceStatus;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code follow --kafka}: the workload's projection fed from its topic by a
 * {@link KafkaProjectionSource}, one engine partition per topic partition, as a member of the
 * consumer group (the projection id) that shares the partitions among every process following the
 * same topic and store. Prints a status line every second; stops at {@code --until}, on a signal or
 * when the source or one of its partitions fails.
 *
 * <p>{@code --until N} means: every partition's checkpoint in the store (whoever applied it) has
 * reached the end offset the workload of N events gives that partition ({@link WorkloadLayout}), that
 * is, every one of the workload's N events is applied. It is read from the store, so each of several
 * processes sharing the topic stops once all of them together applied the workload.
 */
final class KafkaFollow {

  enum Outcome { REACHED, SIGNALLED, FAILED }

  private final ProjectionStore store;
  private final ProjectionEngine engine;
  private final KafkaProjectionSource source;
  private final @Nullable WorkloadLayout until;
  private final PrintWriter out;

  KafkaFollow(ProjectionStore store, ProjectionEngine engine, KafkaProjectionSource source,
      @Nullable WorkloadLayout until, PrintWriter out) {
    this.store = store;
    this.engine = engine;
    this.source = source;
    this.until = until;
    this.out = out;
  }

  /** Runs the source until the outcome, stops it and prints the last lines; returns the outcome. */
  Outcome run(CountDownLatch stopRequested) throws InterruptedException {
    source.start();
    Outcome outcome;
    try {
      outcome = follow(stopRequested);
    } finally {
      source.stop();
    }
    long[] checkpoints = checkpoints();
    out.println(statusLine(source.status(), checkpoints, 0));
    out.printf(Locale.ROOT, "stopped      at checkpoints %s: %s%n", join(checkpoints),
        switch (outcome) {
          case REACHED -> "reached --until " + (until == null ? 0 : until.events());
          case SIGNALLED -> "stop requested";
          case FAILED -> "the source failed: " + failure(source.status());
        });
    out.println("digest       "
        + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    out.flush();
    return outcome;
  }

  private Outcome follow(CountDownLatch stopRequested) throws InterruptedException {
    long nextLine = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    long lastApplied = sum(checkpoints());
    while (true) {
      if (until != null && reached(until)) {
        return Outcome.REACHED;
      }
      KafkaSourceStatus status = source.status();
      if (failure(status) != null) {
        return Outcome.FAILED;
      }
      if (System.nanoTime() - nextLine >= 0) {
        long[] checkpoints = checkpoints();
        out.println(statusLine(status, checkpoints, sum(checkpoints) - lastApplied));
        out.flush();
        lastApplied = sum(checkpoints);
        nextLine += TimeUnit.SECONDS.toNanos(1);
      }
      if (stopRequested.await(100, TimeUnit.MILLISECONDS)) {
        return Outcome.SIGNALLED;
      }
    }
  }

  private boolean reached(WorkloadLayout layout) {
    for (int p = 0; p < layout.partitions(); p++) {
      if (checkpoint(p) < layout.endOffset(p)) {
        return false;
      }
    }
    return true;
  }

  /** Each partition's stored checkpoint (its next offset), whoever committed it. */
  private long[] checkpoints() {
    long[] checkpoints = new long[engine.partitions()];
    for (int p = 0; p < checkpoints.length; p++) {
      checkpoints[p] = checkpoint(p);
    }
    return checkpoints;
  }

  private long checkpoint(int partition) {
    return store.loadState(ProjectionIds.partitionKey(engine.projectionId(), partition))
        .map(ProjectionState::lastProcessedPosition).orElse(0L);
  }

  /** Why the source or one of its partitions here stopped, or null while it runs. */
  static @Nullable String failure(KafkaSourceStatus status) {
    if (status.state() == KafkaSourceStatus.State.FAILED) {
      return status.error().map(Throwable::getMessage).orElse("failed");
    }
    for (KafkaPartitionStatus partition : status.partitions()) {
      if (partition.assigned() && partition.stopped()) {
        return partition.topic() + "-" + partition.partition() + " stopped: " + partition.stoppedBy();
      }
    }
    return null;
  }

  private static String statusLine(KafkaSourceStatus status, long[] checkpoints, long perSecond) {
    long assigned = status.partitions().stream().filter(KafkaPartitionStatus::assigned).count();
    return String.format(Locale.ROOT, "status       applied %,d  lag here %,d events  partitions"
            + " here %d of %d  %s  %,d events/s%s", sum(checkpoints), status.lagEvents(), assigned,
        checkpoints.length, status.state(), perSecond,
        status.error().map(e -> "  last error: " + e.getMessage()).orElse(""));
  }

  private static long sum(long[] values) {
    long sum = 0;
    for (long value : values) {
      sum += value;
    }
    return sum;
  }

  private static String join(long[] values) {
    StringBuilder joined = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      joined.append(i == 0 ? "" : " ").append(values[i]);
    }
    return joined.append(']').toString();
  }
}
