package io.orchestrix.projection.examples;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.jspecify.annotations.Nullable;

/** {@code rebuild}: replays the standard workload's projection from the event store. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
        "Rebuilds the standard workload's projection from scratch: resets it and replays every event"
            + " of the JDBC event store up to its current head, read page by page (bounded memory),"
            + " committing each batch. Prints the checkpoint and the read model's digest.",
        "Refuses without --yes. Run it while no follow runs on the projection.",
        "With --blue-green --version V: builds version V as a new generation beside the live one"
            + " (which keeps serving queries), from that generation's own checkpoint (a run that was"
            + " killed resumes), then cuts over to it in one commit; no --yes needed. With --verify"
            + " too, the cut-over happens only if both generations hold the same documents at the"
            + " same position."})
final class RebuildCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Mixin
  SourceOptions source;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "Events per page and batch, 1 to 100000. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--yes", description = "Confirm: this deletes the read model first.")
  boolean yes;

  @Option(names = "--blue-green", description = "Rebuild without downtime, as a new generation.")
  boolean blueGreen;

  @Option(names = "--version", paramLabel = "V",
      description = "The projection version to build with --blue-green; must not be the live one.")
  String version;

  @Option(names = "--verify", description = "With --blue-green: build up to the live generation's"
      + " position, compare both generations document by document, and cut over only if they hold"
      + " the same documents; otherwise print the first differing ones and keep the new generation.")
  boolean verify;

  @Option(names = "--change-handler", paramLabel = "ORDER", hidden = true,
      description = "Deliberately get this order's document wrong in the new version (a changed"
          + " handler, for tests of --verify).")
  @Nullable String changedOrder;

  @Option(names = "--hold-at", paramLabel = "STEP", hidden = true,
      description = "Fault injection for tests: print 'holding at STEP' and block until killed, at"
          + " batch:K (after the K-th batch of the build), before-cut-over or after-cut-over.")
  @Nullable String holdAt;

  @Override
  public Integer call() {
    store.requireWorkloadProjection(spec.commandLine());
    if (batchSize < 1 || batchSize > 100_000) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--batch-size must be 1 to 100000 but was " + batchSize);
    }
    if (blueGreen) {
      return blueGreen();
    }
    if (verify) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--verify needs --blue-green:"
          + " it compares the new generation with the live one before the cut-over");
    }
    if (!yes) {
      throw new CommandLine.ParameterException(spec.commandLine(), "rebuild deletes the read model,"
          + " dead letters and checkpoint of '" + store.projection + "' first; add --yes to confirm");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ProjectionStore opened = store.open(); JdbcEventStore events = source.open()) {
      ProjectionEngine engine = WorkloadProjection.engine(opened, batchSize);
      long head = events.headPosition();
      out.println("source       " + events.description());
      out.println("store        " + opened.description());
      out.flush();
      long started = System.nanoTime();
      BatchResult result = engine.replay(WorkloadEventStore.events(events, 0, head, batchSize));
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(Locale.ROOT, "replayed     %,d events up to head %,d in %.3f s: %,.0f events/s%n",
          result.applied(), head, seconds, seconds == 0 ? 0 : result.applied() / seconds);
      out.printf(Locale.ROOT, "checkpoint   %,d%n", result.checkpoint());
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
    out.flush();
    return 0;
  }

  private int blueGreen() {
    if (version == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--blue-green needs --version V, a version other than the live one");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ProjectionStore opened = store.open(); JdbcEventStore events = source.open()) {
      new BlueGreenRebuild(opened, events, batchSize, out, holdAt).run(version, verify, changedOrder);
    } catch (IllegalStateException refused) {
      throw new CommandLine.ParameterException(spec.commandLine(), refused.getMessage());
    }
    out.flush();
    return 0;
  }
}
