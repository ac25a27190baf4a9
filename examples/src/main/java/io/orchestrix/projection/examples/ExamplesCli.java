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
        ResetCommand.class, RebuildCommand.class, GenerationsCommand.class,
        CommandLine.HelpCommand.class})
public final class ExamplesCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "On an error, print its stack trace too, not only its one-line message.")
  boolean verbose;

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

  /**
   * An error is one line a user can act on: the message of a library failure, or of anything else
   * with its type; the stack trace only with {@code --verbose}.
   */
  private static int reportFailure(
      Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    boolean verbose = parseResult.hasMatchedOption("--verbose")
        || parseResult.subcommands().stream().anyMatch(sub -> sub.hasMatchedOption("--verbose"));
    String message = failure instanceof ProjectionException
        ? failure.getMessage() : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    commandLine.getErr().println("error: " + message.lines().findFirst().orElse(message)
        + (verbose ? "" : " (run with --verbose for the stack trace)"));
    if (verbose) {
      failure.printStackTrace(commandLine.getErr());
    }
    commandLine.getErr().flush();
    return failure instanceof ProjectionException ? 2 : 1;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
