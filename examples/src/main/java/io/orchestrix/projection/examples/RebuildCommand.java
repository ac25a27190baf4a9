package io.orchestrix.projection.examples;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
            + " same position.",
        "With --into URI [-I KEY=VALUE]...: builds the projection into that other store from its own"
            + " checkpoint there, while --store keeps serving, prints progress, then switches"
            + " queries to it (recorded in that store); refused unless it has caught up to within"
            + " --max-lag of --store's checkpoint and, with --verify, both stores hold the same"
            + " documents at the same position. No --yes needed: --store is left as it is."})
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

  @Option(names = "--build-rate-limit", defaultValue = "0", paramLabel = "N", description = "With"
      + " --blue-green: the most events per second the build processes, leaving the rest of the"
      + " machine and the store to readers. Default: ${DEFAULT-VALUE} (no limit)")
  int buildRateLimit;

  @Option(names = "--into", paramLabel = "URI", description = "Build into this other store and"
      + " switch queries to it (a move across stores without downtime).")
  @Nullable String into;

  @Option(names = {"-I", "--into-property"}, paramLabel = "KEY=VALUE",
      description = "A store option of --into, repeatable, for example -I key-prefix=app:.")
  Map<String, String> intoProperties = new LinkedHashMap<>();

  @Option(names = "--max-lag", defaultValue = "0", paramLabel = "N", description = "With --into:"
      + " how many positions the new store may be behind --store's checkpoint at the switch."
      + " Default: ${DEFAULT-VALUE}")
  long maxLag;

  @Option(names = "--change-handler", paramLabel = "ORDER", hidden = true,
      description = "Deliberately get this order's document wrong in the new version (a changed"
          + " handler, for tests of --verify).")
  @Nullable String changedOrder;

  @Option(names = "--hold-at", paramLabel = "STEP", hidden = true,
      description = "Fault injection for tests: print 'holding at STEP' and block until killed, at"
          + " batch:K (after the K-th batch of the build), before-cut-over or after-cut-over;"
          + " with --into: batch:K, before-switch or after-switch.")
  @Nullable String holdAt;

  @Override
  public Integer call() {
    store.requireWorkloadProjection(spec.commandLine());
    if (batchSize < 1 || batchSize > 100_000) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--batch-size must be 1 to 100000 but was " + batchSize);
    }
    if (buildRateLimit != 0 && (!blueGreen || buildRateLimit < 0 || buildRateLimit > 100_000_000)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--build-rate-limit must be 0"
          + " (no limit) to 100000000 events per second, with --blue-green, but was "
          + buildRateLimit + (blueGreen ? "" : " without --blue-green"));
    }
    if (into != null) {
      return intoAnotherStore();
    }
    if (blueGreen) {
      return blueGreen();
    }
    if (verify) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--verify needs --blue-green"
          + " or --into: it compares the new read models with the live ones before the switch");
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

  private int intoAnotherStore() {
    if (blueGreen) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--into and --blue-green"
          + " exclude each other: --into moves the projection to another store");
    }
    if (into.equals(store.uri) && intoProperties.equals(store.properties)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--into names the same store as"
          + " --store (" + into + "); to rebuild within one store use --blue-green");
    }
    if (maxLag < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--max-lag must not be negative but was " + maxLag);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ProjectionStore opened = store.open();
        ProjectionStore target = ProjectionStoreProviders.open(into, intoProperties);
        JdbcEventStore events = source.open()) {
      new CrossStoreRebuild(opened, target, events, batchSize, out, holdAt).run(verify, maxLag,
          changedOrder);
    } catch (IllegalArgumentException refused) {
      throw new CommandLine.ParameterException(spec.commandLine(), refused.getMessage());
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
      new BlueGreenRebuild(opened, events, batchSize, out, holdAt).run(version, verify, changedOrder,
          buildRateLimit);
    } catch (IllegalStateException refused) {
      throw new CommandLine.ParameterException(spec.commandLine(), refused.getMessage());
    }
    out.flush();
    return 0;
  }
}
