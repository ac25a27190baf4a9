package io.orchestrix.projection.examples;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.DeadLetterRetryResult;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.jspecify.annotations.Nullable;

/**
 * {@code dead-letters list|retry|discard}: a projection's dead-letter queue, filtered by stream, error
 * type or position.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = "Lists, retries or discards a projection's dead letters: events whose handler failed"
        + " (failed) and the later events of their streams that wait behind them (parked).",
    subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Retry.class,
        DeadLettersCommand.Discard.class})
final class DeadLettersCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: list, retry or discard");
  }

  /** Which dead letters a subcommand works on. */
  static final class Filter {
    @Option(names = "--stream", paramLabel = "S", description = "Only this stream's dead letters.")
    @Nullable String stream;

    @Option(names = "--error-type", paramLabel = "T",
        description = "Only dead letters of this error type: a class name, simple (IllegalStateException)"
            + " or qualified, or 'parked'.")
    @Nullable String errorType;

    @Option(names = "--position", paramLabel = "P", description = "Only the dead letter at this position.")
    @Nullable Long position;

    @Option(names = "--all", description = "Every dead letter of the projection (retry and discard"
        + " refuse to act on all of them without it or a filter).")
    boolean all;

    boolean narrowed() {
      return stream != null || errorType != null || position != null;
    }

    Predicate<DeadLetter> predicate() {
      return letter -> (stream == null || stream.equals(letter.streamId()))
          && (errorType == null || errorType.equals(letter.errorType())
              || letter.errorType().endsWith("." + errorType))
          && (position == null || position == letter.position());
    }

    void requireSelection(CommandLine commandLine) {
      if (!narrowed() && !all) {
        throw new CommandLine.ParameterException(commandLine, "refusing to act on every dead letter:"
            + " give --stream, --error-type or --position, or --all");
      }
    }
  }

  /** {@code dead-letters list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Prints one line per dead letter, oldest position first: position, stream, event"
          + " type, handler, error type, message, attempts, first and last failure, parked.")
  static final class ListLetters implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    Filter filter;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ProjectionStore opened = store.open()) {
        List<DeadLetter> letters =
            opened.deadLetters(store.projection).stream().filter(filter.predicate()).toList();
        for (DeadLetter letter : letters) {
          out.printf(Locale.ROOT, "position %,d  stream %s  event %s  handler %s  error %s  message"
                  + " %s  attempts %d  first %s  last %s  parked %s%n", letter.position(),
              letter.streamId(), letter.eventType(), orDash(letter.handler()), letter.errorType(),
              orDash(letter.errorMessage().replace('\n', ' ')), letter.attempts(),
              letter.firstFailureAt(), letter.lastFailureAt(), letter.isParked());
        }
        long parked = letters.stream().filter(DeadLetter::isParked).count();
        out.printf(Locale.ROOT, "%,d dead letters (failed %,d, parked %,d)%n", letters.size(),
            letters.size() - parked, parked);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code dead-letters retry}. */
  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = {"Retries the selected dead letters through the standard workload's handlers, in"
          + " position order per stream, with the same exactly-once commit as any batch; a letter that"
          + " succeeds is removed and releases the events parked behind it. Prints how many were"
          + " applied and still fail, then the read model's digest.",
          "Run it while no follow runs on the projection: it takes over the projection's writer."})
  static final class Retry implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    Filter filter;

    @Override
    public Integer call() {
      store.requireWorkloadProjection(spec.commandLine());
      filter.requireSelection(spec.commandLine());
      PrintWriter out = spec.commandLine().getOut();
      try (ProjectionStore opened = store.open()) {
        ProjectionEngine engine = WorkloadProjection.engine(opened, 1_000);
        DeadLetterRetryResult result = engine.operations().retryDeadLetters(filter.predicate());
        out.printf(Locale.ROOT, "retried      applied %,d, still failing %,d%n", result.applied(),
            result.stillFailing());
        out.printf(Locale.ROOT, "remaining    %,d dead letters%n", engine.operations().deadLetters().size());
        out.println("digest       "
            + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code dead-letters discard}. */
  @Command(name = "discard", mixinStandardHelpOptions = true,
      description = {"Deletes the selected dead letters without applying them; events parked behind"
          + " them that are not selected are then applied in order. Prints how many were discarded.",
          "Run it while no follow runs on the projection: it takes over the projection's writer."})
  static final class Discard implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    Filter filter;

    @Override
    public Integer call() {
      store.requireWorkloadProjection(spec.commandLine());
      filter.requireSelection(spec.commandLine());
      PrintWriter out = spec.commandLine().getOut();
      try (ProjectionStore opened = store.open()) {
        ProjectionEngine engine = WorkloadProjection.engine(opened, 1_000);
        int discarded = engine.operations().discardDeadLetters(filter.predicate());
        out.printf(Locale.ROOT, "discarded    %,d%n", discarded);
        out.printf(Locale.ROOT, "remaining    %,d dead letters%n", engine.operations().deadLetters().size());
        out.println("digest       "
            + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
      }
      out.flush();
      return 0;
    }
  }

  private static String orDash(String value) {
    return value.isEmpty() ? "-" : value;
  }
}
