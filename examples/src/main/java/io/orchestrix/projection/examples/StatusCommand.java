package io.orchestrix.projection.examples;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.core.ProjectionEngineBuilder;
import io.orchestrix.projection.core.StoreMigration;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.jspecify.annotations.Nullable;

/** {@code status}: a projection's stored state and dead-letter counts, read from any store. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Prints a projection's stored state (checkpoint, last event id, health, error count,"
        + " last error, failed position, updated at) and its dead letters (failed and parked). Reads"
        + " committed data only, so it may run beside a follow.")
final class StatusCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ProjectionStore opened = store.open()) {
      out.println("projection   " + store.projection);
      out.println("store        " + opened.description());
      Optional<ProjectionState> loaded = opened.loadState(store.projection);
      if (loaded.isEmpty()) {
        out.println("state        none stored: the projection has not run on this store");
      } else {
        ProjectionState state = loaded.get();
        out.printf(Locale.ROOT, "checkpoint   %,d%n", state.lastProcessedPosition());
        out.println("last event   " + orNone(state.lastProcessedEventId()));
        out.println("healthy      " + state.healthy());
        out.printf(Locale.ROOT, "errors       %,d%n", state.errorCount());
        out.println("last error   " + orNone(state.lastError()));
        out.println("failed at    " + (state.failedPosition() == 0 ? "none"
            : String.format(Locale.ROOT, "%,d", state.failedPosition())));
        out.println("updated at   " + state.updatedAt());
      }
      printPartitions(out, opened);
      StoreMigration.recordedSwitch(opened, store.projection).ifPresent(made -> out.println(
          "moved here   queries switched to this store at " + made.switchedAt() + " from "
              + made.from() + ", checkpoint " + made.positions()));
      GenerationsCommand.print(out, io.orchestrix.projection.core.Projections
          .engine(store.projection).store(opened).build().generations().list(), opened,
          store.projection);
      List<DeadLetter> letters = opened.deadLetters(store.projection);
      long parked = letters.stream().filter(DeadLetter::isParked).count();
      out.printf(Locale.ROOT, "dead letters %,d (failed %,d, parked %,d)%n", letters.size(),
          letters.size() - parked, parked);
    }
    out.flush();
    return 0;
  }

  /** The partitions of a partitioned projection, and the nodes following it, if it has any. */
  private void printPartitions(PrintWriter out, ProjectionStore opened) {
    Map<String, Lease> leases = new HashMap<>();
    opened.leases(store.projection).forEach(lease -> leases.put(lease.resource(), lease));
    for (int partition = 0; partition < ProjectionEngineBuilder.MAX_PARTITIONS; partition++) {
      String key = ProjectionIds.partitionKey(store.projection, partition);
      Optional<ProjectionState> state = opened.loadState(key);
      Lease lease = leases.get("p" + partition);
      if (state.isEmpty() && lease == null) {
        break;
      }
      boolean held = lease != null && !lease.expired();
      out.printf(Locale.ROOT, "partition %-3d position %,d  %s  owner %s%s%n", partition,
          state.map(ProjectionState::lastProcessedPosition).orElse(0L),
          state.map(s -> s.healthy() ? "healthy" : "FAILED at " + s.failedPosition()).orElse("-"),
          held ? lease.owner() : "none",
          held ? "  lease expires " + lease.expiresAt() : "");
    }
    for (Lease node : opened.leases(store.projection + "#nodes")) {
      out.printf(Locale.ROOT, "node         %s  heartbeat until %s%s%n", node.owner(),
          node.expiresAt(), node.expired() ? "  (gone)" : "");
    }
  }

  private static String orNone(@Nullable String value) {
    return value == null ? "none" : value;
  }
}
