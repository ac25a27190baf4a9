package io.orchestrix.projection.examples;

import io.orchestrix.projection.DocumentDifference;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.StoreComparison;
import io.orchestrix.projection.core.StoreMigration;
import io.orchestrix.projection.core.StoreSwitchRefusedException;
import io.orchestrix.projection.core.StoreSwitchRefusedException.Reason;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * {@code rebuild --into URI}: builds the standard workload's projection into another store (the
 * target) from the JDBC event store, with the same handlers and the target's own checkpoint (a run
 * that was killed resumes where its last commit left it), while the store queries read now (the
 * source) stays as it is; then switches queries to the target through a {@link StoreMigration}. With
 * verification it builds up to the source's checkpoint instead of the head, compares both stores
 * document by document and switches only if they agree; if the source moves on meanwhile (a follow
 * runs on it), the build follows it and compares again. Used by one thread.
 */
final class CrossStoreRebuild {

  /** How often a verified switch chases a source that keeps moving, before giving up. */
  private static final int ATTEMPTS = 50;

  private final ProjectionStore source;
  private final ProjectionStore target;
  private final JdbcEventStore events;
  private final int batchSize;
  private final PrintWriter out;
  private final @Nullable String holdAt;
  private int batches;

  /**
   * @param holdAt a step at which the run prints {@code holding      at STEP} and blocks until it is
   *     killed (fault injection for tests): {@code batch:K} after the K-th committed batch of the
   *     build, {@code before-switch}, or {@code after-switch}; null for none
   */
  CrossStoreRebuild(ProjectionStore source, ProjectionStore target, JdbcEventStore events,
      int batchSize, PrintWriter out, @Nullable String holdAt) {
    this.source = source;
    this.target = target;
    this.events = events;
    this.batchSize = batchSize;
    this.out = out;
    this.holdAt = holdAt;
  }

  /**
   * @param maxLag how far behind the source's checkpoint the target may be at the switch
   * @param changedOrder an order the target's handlers deliberately get wrong, or null
   * @throws StoreSwitchRefusedException if the switch is refused (differences printed first)
   */
  void run(boolean verify, long maxLag, @Nullable String changedOrder) {
    ProjectionEngine from = WorkloadProjection.engine(source, batchSize);
    ProjectionEngine into = WorkloadProjection.engine(target, batchSize, changedOrder);
    StoreMigration migration = new StoreMigration(new StoreMigration.Side(source, from),
        new StoreMigration.Side(target, into), List.of(OrderSummaryDocument.READ_MODEL),
        Duration.ofSeconds(1));
    long head = events.headPosition();
    long resumed = targetCheckpoint(migration);
    out.println("source       " + events.description());
    out.println("from store   " + source.description());
    out.println("into store   " + target.description());
    boolean already = migration.switched();
    long upTo = verify && !already ? sourceCheckpoint(migration) : head;
    out.printf(Locale.ROOT, "building     from the target's own checkpoint %,d up to %s %,d%n",
        resumed, verify && !already ? "the source store's checkpoint" : "the head", upTo);
    out.flush();
    long started = System.nanoTime();
    long built = build(into, resumed, upTo);
    out.printf(Locale.ROOT, "built        %,d events up to position %,d in %.3f s%n",
        built - resumed, built, (System.nanoTime() - started) / 1e9);
    hold("before-switch");
    if (already) {
      out.println("switched     already: queries read " + target.description());
    } else {
      Optional<StoreComparison> compared = verify ? verifiedSwitch(migration, into, built)
          : migration.switchReads(maxLag, false);
      compared.ifPresent(c -> out.printf(Locale.ROOT, "compared     %,d documents at position"
          + " %s: identical%n", c.documents(), c.positions()));
      out.println("switched     queries to " + target.description() + ", recorded there; every"
          + " node reading through the migration follows within its refresh");
      out.flush();
      hold("after-switch");
    }
    out.println("digest       "
        + ReadModelDigest.of(migration.readModel(OrderSummaryDocument.READ_MODEL)));
    out.flush();
  }

  private Optional<StoreComparison> verifiedSwitch(StoreMigration migration,
      ProjectionEngine into, long built) {
    long position = built;
    for (int attempt = 1; ; attempt++) {
      try {
        return migration.switchReads(0, true);
      } catch (StoreSwitchRefusedException refused) {
        if (refused.reason() == Reason.DOCUMENTS_DIFFER) {
          printDifferences(refused.comparison().orElseThrow());
          throw refused;
        }
        long moved = sourceCheckpoint(migration);
        if (attempt >= ATTEMPTS || moved < position) {
          throw refused;
        }
        position = build(into, position, moved);
      }
    }
  }

  private void printDifferences(StoreComparison comparison) {
    out.printf(Locale.ROOT, "refused      %,d of %,d documents differ at position %s; the first:%n",
        comparison.differing(), comparison.documents(), comparison.positions());
    for (DocumentDifference d : comparison.firstDifferences()) {
      out.println("differs      " + d.readModel() + " id " + d.id() + ": source "
          + (d.live() == null ? "(none)" : d.live()) + ", target "
          + (d.built() == null ? "(none)" : d.built()));
    }
    out.println("kept         queries stay on " + source.description() + "; the target keeps"
        + " its build: fix the handler, reset the target, and run again");
    out.flush();
  }

  /**
   * Processes the events after {@code from} up to {@code upTo} in batches, each committed before the
   * next is read, printing progress at every tenth of the way; returns the position reached.
   */
  private long build(ProjectionEngine into, long from, long upTo) {
    long position = from;
    long started = System.nanoTime();
    int tenth = 1;
    while (position < upTo) {
      var page = events.read(position, (int) Math.min(batchSize, upTo - position));
      if (page.isEmpty()) {
        break;
      }
      into.processEvents(page);
      position = page.get(page.size() - 1).position();
      batches++;
      hold("batch:" + batches);
      long done = position - from;
      long total = upTo - from;
      if (done * 10 >= total * tenth) {
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        double rate = done / seconds;
        out.printf(Locale.ROOT, "progress     %,d / %,d (%d%%)  %,.0f events/s  ETA %.1f s%n",
            position, upTo, done * 100 / total, rate, (upTo - position) / Math.max(rate, 1));
        out.flush();
        tenth = (int) (done * 10 / total) + 1;
      }
    }
    return position;
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

  private static long sourceCheckpoint(StoreMigration migration) {
    return migration.progress().sourcePositions().get(0);
  }

  private static long targetCheckpoint(StoreMigration migration) {
    return migration.progress().targetPositions().get(0);
  }
}
