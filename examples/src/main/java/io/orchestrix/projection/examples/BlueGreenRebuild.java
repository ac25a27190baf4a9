package io.orchestrix.projection.examples;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.Generation;
import io.orchestrix.projection.GenerationMismatchException;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * {@code rebuild --blue-green}: builds a version of the standard workload's projection as a new
 * generation beside the live one, from the new generation's own checkpoint (so a run that was killed
 * resumes where its last commit left it), then cuts over in one commit. With verification it builds up
 * to the live generation's checkpoint instead of the head, so both stand at the same position, and the
 * cut-over compares them document by document; if the live one moves on meanwhile (a follow runs on
 * it), the build follows it and compares again. Used by one thread.
 */
final class BlueGreenRebuild {

  /** How often a verified cut-over chases a live generation that keeps moving, before giving up. */
  private static final int ATTEMPTS = 50;

  private final ProjectionStore store;
  private final JdbcEventStore events;
  private final int batchSize;
  private final PrintWriter out;
  private final @Nullable String holdAt;
  private int batches;

  /**
   * @param holdAt a step at which the run prints {@code holding      at STEP} and blocks until it is
   *     killed (fault injection for tests): {@code batch:K} after the K-th committed batch of the
   *     build, {@code before-cut-over}, or {@code after-cut-over}; null for none
   */
  BlueGreenRebuild(ProjectionStore store, JdbcEventStore events, int batchSize, PrintWriter out,
      @Nullable String holdAt) {
    this.store = store;
    this.events = events;
    this.batchSize = batchSize;
    this.out = out;
    this.holdAt = holdAt;
  }

  /**
   * @param buildRateLimit the most events per second the build processes, 0 for no limit
   * @throws IllegalStateException if the version is live, or another is being built
   * @throws GenerationMismatchException if verified and the generations differ (printed first)
   * @throws GenerationStateException if verified and the live generation never stood still
   */
  void run(String version, boolean verify, @Nullable String changedOrder, int buildRateLimit) {
    ProjectionEngine engine = WorkloadProjection.engine(store, batchSize, version, verify,
        changedOrder, buildRateLimit);
    Generation building = engine.generations().startRebuild();
    Generation live = engine.generations().live();
    long head = events.headPosition();
    long from = engine.state().lastProcessedPosition();
    out.println("source       " + events.description());
    out.println("store        " + store.description());
    out.printf(Locale.ROOT, "building     generation %d (version %s) beside live generation %d,"
        + " resumed from checkpoint %,d%n", building.number(), building.version(), live.number(),
        from);
    out.flush();
    long started = System.nanoTime();
    long target = verify ? liveCheckpoint(live) : head;
    long built = build(engine, from, target);
    out.printf(Locale.ROOT, "built        %,d events up to position %,d in %.3f s%n", built - from,
        built, (System.nanoTime() - started) / 1e9);
    hold("before-cut-over");
    Generation now = verify ? verifiedCutOver(engine, live, built) : engine.generations().cutOver();
    out.printf(Locale.ROOT, "cut over     to generation %d (version %s)%s%n", now.number(),
        now.version(), verify ? " after the digest check" : "");
    out.flush();
    hold("after-cut-over");
    out.println("digest       "
        + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
  }

  private Generation verifiedCutOver(ProjectionEngine engine, Generation live, long built) {
    long position = built;
    for (int attempt = 1; ; attempt++) {
      try {
        return engine.generations().cutOver();
      } catch (GenerationMismatchException refused) {
        out.printf(Locale.ROOT, "refused      %,d of %,d documents differ at position %s; the"
            + " first:%n", refused.comparison().differing(), refused.comparison().documents(),
            refused.comparison().positions());
        refused.comparison().firstDifferences().forEach(d -> out.println("differs      " + d));
        out.println("kept         generation " + refused.comparison().builtGeneration()
            + " stays being built: inspect it, then drop it with generations drop");
        out.flush();
        throw refused;
      } catch (GenerationStateException notAtTheSamePosition) {
        long moved = liveCheckpoint(live);
        if (attempt >= ATTEMPTS || moved < position) {
          throw notAtTheSamePosition;
        }
        position = build(engine, position, moved);
      }
    }
  }

  /**
   * Processes the events after {@code from} up to {@code upTo}, one batch handled while the one before
   * commits (unless holding at a step, when each batch commits before the next); returns the position
   * reached, every batch up to it committed.
   */
  private long build(ProjectionEngine engine, long from, long upTo) {
    long position = from;
    CompletionStage<BatchResult> inFlight = null;
    while (position < upTo) {
      refuseIfPaused(engine, position);
      List<EventEnvelope<?>> page = events.read(position, (int) Math.min(batchSize, upTo - position));
      if (page.isEmpty()) {
        break;
      }
      CompletionStage<BatchResult> next;
      try {
        next = engine.processEventsPipelined(page);
      } catch (ProjectionException consequence) {
        if (inFlight != null) {
          committed(inFlight);
        }
        throw consequence;
      }
      if (inFlight != null) {
        committed(inFlight);
      }
      inFlight = next;
      if (holdAt != null) {
        committed(inFlight);
        inFlight = null;
      }
      position = page.get(page.size() - 1).position();
    }
    if (inFlight != null) {
      committed(inFlight);
    }
    return position;
  }

  /** Waits for a batch's commit, raising its failure as processEvents would. */
  private void committed(CompletionStage<BatchResult> batch) {
    try {
      batch.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
    batches++;
    hold("batch:" + batches);
  }

  /** The build was paused ({@code generations pause}): this run stops, keeping its checkpoint. */
  private static void refuseIfPaused(ProjectionEngine engine, long position) {
    Generation building = engine.generations().building().orElse(null);
    if (building != null && building.buildPaused()) {
      throw new GenerationStateException(WorkloadProjection.PROJECTION_ID, "the build of"
          + " generation " + building.number() + " is paused at checkpoint " + position + "; run"
          + " generations resume, then this command again", engine.generations().list());
    }
  }

  private long liveCheckpoint(Generation live) {
    return store.loadState(ProjectionIds.generationKey(WorkloadProjection.PROJECTION_ID,
        live.number())).map(ProjectionState::lastProcessedPosition).orElse(0L);
  }

  /** Blocks for good at the chosen step, after saying so: a test kills the JVM there. */
  private void hold(String step) {
    if (!step.equals(holdAt)) {
      return;
    }
    out.println("holding      at " + step);
    out.flush();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while holding at " + step, e);
    }
  }
}
