package io.orchestrix.projection.examples;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.jspecify.annotations.Nullable;

/** {@code reset}: clears the standard workload's projection, or moves its checkpoint. */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = {
        "Resets the standard workload's projection: deletes its read model's documents, its dead"
            + " letters and its checkpoint, so the next follow or bench starts from the first event."
            + " With --to, only moves the checkpoint to POSITION and keeps the read model and the dead"
            + " letters (events after POSITION are applied again, events up to it are skipped).",
        "Refuses without --yes. Run it while no follow runs on the projection."})
final class ResetCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Option(names = "--to", paramLabel = "POSITION",
      description = "Move the checkpoint to this position instead of clearing everything.")
  @Nullable Long to;

  @Option(names = "--yes", description = "Confirm: this deletes or skips data.")
  boolean yes;

  @Override
  public Integer call() {
    store.requireWorkloadProjection(spec.commandLine());
    if (to != null && to < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--to must not be negative but was " + to);
    }
    if (!yes) {
      throw new CommandLine.ParameterException(spec.commandLine(), (to == null
          ? "reset deletes the read model, dead letters and checkpoint of '"
          : "reset --to moves the checkpoint of '") + store.projection + "'; add --yes to confirm");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ProjectionStore opened = store.open()) {
      ProjectionEngine engine = WorkloadProjection.engine(opened, 1_000);
      long before = engine.state().lastProcessedPosition();
      if (to == null) {
        engine.operations().reset();
        out.printf(Locale.ROOT, "reset        %s: read model %s, dead letters and checkpoint %,d"
            + " cleared%n", engine.projectionId(), OrderSummaryDocument.NAME, before);
      } else {
        engine.operations().resetTo(to);
        out.printf(Locale.ROOT, "reset        %s: checkpoint moved from %,d to %,d, read model and"
            + " dead letters kept%n", engine.projectionId(), before, to);
      }
      out.printf(Locale.ROOT, "checkpoint   %,d%n", engine.state().lastProcessedPosition());
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
    out.flush();
    return 0;
  }
}
