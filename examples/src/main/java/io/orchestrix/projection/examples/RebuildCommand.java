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
            + " (which keeps serving queries), then cuts over to it in one commit; no --yes needed."})
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
      ProjectionEngine engine = WorkloadProjection.engine(opened, batchSize,
          io.orchestrix.projection.FailurePolicy.stop(), 1, version);
      io.orchestrix.projection.Generation building;
      try {
        building = engine.generations().startRebuild();
      } catch (IllegalStateException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      long head = events.headPosition();
      out.println("source       " + events.description());
      out.println("store        " + opened.description());
      out.printf(Locale.ROOT, "building     generation %d (version %s) beside live generation %d%n",
          building.number(), building.version(), engine.generations().live().number());
      out.flush();
      long started = System.nanoTime();
      BatchResult result = engine.replay(WorkloadEventStore.events(events, 0, head, batchSize));
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(Locale.ROOT, "built        %,d events up to head %,d in %.3f s%n",
          result.applied(), head, seconds);
      io.orchestrix.projection.Generation live = engine.generations().cutOver();
      out.printf(Locale.ROOT, "cut over     to generation %d (version %s)%n", live.number(),
          live.version());
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
    out.flush();
    return 0;
  }
}
