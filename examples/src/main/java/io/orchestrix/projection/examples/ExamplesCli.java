package io.orchestrix.projection.examples;

import io.orchestrix.projection.ProjectionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples' command line: {@code java -jar examples/target/examples.jar <command> --help}.
 * Each command opens its store from a URI ({@code --store}, default {@code memory:}).
 */
@Command(
    name = "examples",
    mixinStandardHelpOptions = true,
    description = "Orchestrix Projections examples.",
    subcommands = {OrderSummaryCommand.class, BenchCommand.class, DigestCommand.class,
        AppendCommand.class, FollowCommand.class, StatusCommand.class, DeadLettersCommand.class,
        ResetCommand.class, RebuildCommand.class, CommandLine.HelpCommand.class})
public final class ExamplesCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code, for tests. */
  public static int run(String... args) {
    return new CommandLine(new ExamplesCli())
        .setExecutionExceptionHandler(ExamplesCli::reportFailure)
        .execute(args);
  }

  /** A library failure is the user's to act on: print its message, not a stack trace. */
  private static int reportFailure(
      Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult)
      throws Exception {
    if (failure instanceof ProjectionException) {
      commandLine.getErr().println("error: " + failure.getMessage());
      return 2;
    }
    throw failure;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
