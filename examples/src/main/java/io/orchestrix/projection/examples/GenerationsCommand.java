package io.orchestrix.projection.examples;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.Generation;
import io.orchestrix.projection.GenerationStateException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionGenerations;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.core.ProjectionEngineBuilder;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code generations list|rollback|drop}: the generations of a projection rebuilt without downtime,
 * and the operator's actions on the old one (the generation a cut-over retired, or a rollback left).
 * Each action is one fenced commit of the projection's generation registry, so it may run while
 * nodes follow the projection; they switch within their generation refresh.
 */
@Command(
    name = "generations",
    mixinStandardHelpOptions = true,
    description = "Lists a projection's generations, rolls back to the old one or drops it, pauses or"
        + " resumes the build of a new one.",
    subcommands = {GenerationsCommand.ListGenerations.class, GenerationsCommand.Rollback.class,
        GenerationsCommand.Drop.class, GenerationsCommand.PauseBuild.class,
        GenerationsCommand.ResumeBuild.class})
final class GenerationsCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: list, rollback, drop, pause or resume");
  }

  /**
   * Prints every generation, one a line, with its checkpoint (the lowest of its partitions' if it is
   * split), as {@code status} does.
   */
  static void print(PrintWriter out, List<Generation> generations, ProjectionStore opened,
      String projection) {
    for (Generation generation : generations) {
      out.printf(Locale.ROOT, "generation %d version %s  %s%s since %s  %s  checkpoint %s%n",
          generation.number(), generation.version(), generation.state(),
          generation.buildPaused() ? " (build paused)" : "", generation.since(), generation.note(),
          checkpoint(opened, ProjectionIds.generationKey(projection, generation.number())));
    }
  }

  private static String checkpoint(ProjectionStore opened, String key) {
    Optional<ProjectionState> whole = opened.loadState(key);
    if (whole.isPresent()) {
      return String.format(Locale.ROOT, "%,d", whole.get().lastProcessedPosition());
    }
    List<Long> partitions = new ArrayList<>();
    for (int p = 0; p < ProjectionEngineBuilder.MAX_PARTITIONS; p++) {
      Optional<ProjectionState> state = opened.loadState(ProjectionIds.partitionKey(key, p));
      if (state.isEmpty()) {
        break;
      }
      partitions.add(state.get().lastProcessedPosition());
    }
    return partitions.isEmpty() ? "none" : String.format(Locale.ROOT, "%,d (lowest of %d partitions)",
        partitions.stream().mapToLong(Long::longValue).min().orElse(0), partitions.size());
  }

  /** The generations of the projection the options name; no I/O until one is asked for. */
  private static ProjectionGenerations generations(ProjectionStore opened, StoreOptions store,
      int partitions) {
    if (WorkloadProjection.PROJECTION_ID.equals(store.projection)) {
      // the workload's engine declares its read model, so a drop clears that generation's documents
      return WorkloadProjection.engine(opened, 1_000, FailurePolicy.stop(), partitions).generations();
    }
    return Projections.engine(store.projection).partitions(partitions).store(opened).build()
        .generations();
  }

  /** The options every subcommand takes. */
  static final class Target {
    @Mixin
    StoreOptions store;

    @Option(names = "--partitions", defaultValue = "1", paramLabel = "P",
        description = "The partitions the projection is split into (as follow --partitions)."
            + " Default: ${DEFAULT-VALUE}")
    int partitions;

    void check(CommandLine commandLine) {
      if (partitions < 1 || partitions > ProjectionEngineBuilder.MAX_PARTITIONS) {
        throw new CommandLine.ParameterException(commandLine, "--partitions must be 1 to "
            + ProjectionEngineBuilder.MAX_PARTITIONS + " but was " + partitions);
      }
    }
  }

  /** {@code generations list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Prints every generation of the projection: number, version, state, since when.")
  static final class ListGenerations implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Target target;

    @Override
    public Integer call() {
      target.check(spec.commandLine());
      PrintWriter out = spec.commandLine().getOut();
      try (ProjectionStore opened = target.store.open()) {
        print(out, generations(opened, target.store, target.partitions).list(), opened,
            target.store.projection);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code generations rollback}. */
  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = {"Makes the most recently retired generation live again and marks the live one"
          + " rolled back, in one commit. The retired generation's nodes resume from its own"
          + " checkpoint; the rolled-back generation's nodes are refused.",
          "Fails (exit code 2) if there is no retired generation: none was retired, or it was"
              + " dropped (its grace period ended, or an operator dropped it)."})
  static final class Rollback implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Target target;

    @Override
    public Integer call() {
      target.check(spec.commandLine());
      PrintWriter out = spec.commandLine().getOut();
      try (ProjectionStore opened = target.store.open()) {
        ProjectionGenerations generations = generations(opened, target.store, target.partitions);
        int before = generations.live().number();
        Generation live = generations.rollback();
        out.printf(Locale.ROOT, "rolled back  from generation %d to generation %d (version %s)%n",
            before, live.number(), live.version());
        print(out, generations.list(), opened, target.store.projection);
        printDigest(out, opened, target.store);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code generations drop}. */
  @Command(name = "drop", mixinStandardHelpOptions = true,
      description = {"Drops the old generation (the most recently retired or rolled-back one), or"
          + " the one --generation names: marks it dropped, then deletes its read models'"
          + " documents, checkpoints and dead letters. A rollback to it is no longer possible.",
          "With --generation N it may also drop a generation being built, abandoning its build"
              + " (after a refused rebuild --verify, say); its version cannot be built again.",
          "Refuses without --yes. Fails (exit code 2) if there is no old generation, or the one"
              + " named is live."})
  static final class Drop implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Target target;

    @Option(names = "--generation", paramLabel = "N",
        description = "The generation to drop. Default: the old one.")
    @Nullable Integer generation;

    @Option(names = "--yes", description = "Confirm: this deletes the generation's data.")
    boolean yes;

    @Override
    public Integer call() {
      target.check(spec.commandLine());
      if (generation != null && generation < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--generation must be 1 or more but was " + generation);
      }
      if (!yes) {
        throw new CommandLine.ParameterException(spec.commandLine(), "drop deletes the read"
            + " models, checkpoints and dead letters of a generation of '" + target.store.projection
            + "'; add --yes to confirm");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (ProjectionStore opened = target.store.open()) {
        ProjectionGenerations generations = generations(opened, target.store, target.partitions);
        int number = generation != null ? generation
            : old(generations, target.store.projection).number();
        try {
          generations.drop(number);
        } catch (IllegalArgumentException noSuchGeneration) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              noSuchGeneration.getMessage());
        }
        out.printf(Locale.ROOT, "dropped      generation %d%n", number);
        print(out, generations.list(), opened, target.store.projection);
        printDigest(out, opened, target.store);
      }
      out.flush();
      return 0;
    }

    /** The most recently retired or rolled-back generation. */
    private static Generation old(ProjectionGenerations generations, String projectionId) {
      List<Generation> all = generations.list();
      return all.stream().filter(g -> g.state() == Generation.State.RETIRED
              || g.state() == Generation.State.ROLLED_BACK)
          .max(Comparator.comparing(Generation::since))
          .orElseThrow(() -> new GenerationStateException(projectionId, "no old generation to"
              + " drop: none is retired or rolled back (a dropped one is gone already)", all));
    }
  }

  /** {@code generations pause}. */
  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = {"Pauses the build of the generation being built, leaving the live one alone:"
          + " the nodes building it hold at its checkpoint within their generation refresh, and it"
          + " is not cut over until resumed.",
          "Fails (exit code 2) if no generation is being built."})
  static final class PauseBuild implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Target target;

    @Override
    public Integer call() {
      return setBuildPaused(spec, target, true);
    }
  }

  /** {@code generations resume}. */
  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = {"Resumes the paused build of the generation being built, from its checkpoint.",
          "Fails (exit code 2) if no generation is being built."})
  static final class ResumeBuild implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Target target;

    @Override
    public Integer call() {
      return setBuildPaused(spec, target, false);
    }
  }

  private static int setBuildPaused(CommandLine.Model.CommandSpec spec, Target target,
      boolean paused) {
    target.check(spec.commandLine());
    PrintWriter out = spec.commandLine().getOut();
    try (ProjectionStore opened = target.store.open()) {
      ProjectionGenerations generations = generations(opened, target.store, target.partitions);
      Generation building = paused ? generations.pauseBuild() : generations.resumeBuild();
      out.printf(Locale.ROOT, "%s the build of generation %d (version %s)%n",
          paused ? "paused      " : "resumed     ", building.number(), building.version());
      print(out, generations.list(), opened, target.store.projection);
    }
    out.flush();
    return 0;
  }

  /** The live read model's digest, for the workload's projection. */
  private static void printDigest(PrintWriter out, ProjectionStore opened, StoreOptions store) {
    if (WorkloadProjection.PROJECTION_ID.equals(store.projection)) {
      ProjectionEngine engine = WorkloadProjection.engine(opened, 1_000);
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
  }
}
