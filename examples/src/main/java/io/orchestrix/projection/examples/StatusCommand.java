package io.orchestrix.projection.examples;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.List;
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
      List<DeadLetter> letters = opened.deadLetters(store.projection);
      long parked = letters.stream().filter(DeadLetter::isParked).count();
      out.printf(Locale.ROOT, "dead letters %,d (failed %,d, parked %,d)%n", letters.size(),
          letters.size() - parked, parked);
    }
    out.flush();
    return 0;
  }

  private static String orNone(@Nullable String value) {
    return value == null ? "none" : value;
  }
}
