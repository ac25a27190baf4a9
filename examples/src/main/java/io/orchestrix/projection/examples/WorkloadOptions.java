package io.orchestrix.projection.examples;

import io.orchestrix.projection.examples.workload.StandardWorkload;
import picocli.CommandLine;

/** The checks that the workload commands' {@code --events} and {@code --batch-size} share. */
final class WorkloadOptions {

  private WorkloadOptions() {}

  /**
   * @throws CommandLine.ParameterException naming the option and the rejected value
   */
  static void check(CommandLine commandLine, int events, int batchSize) {
    if (events <= 0 || events % StandardWorkload.EVENTS_PER_ORDER != 0) {
      throw new CommandLine.ParameterException(commandLine,
          "--events must be a positive multiple of 5 but was " + events);
    }
    if (batchSize < 1 || batchSize > 100_000) {
      throw new CommandLine.ParameterException(commandLine,
          "--batch-size must be 1 to 100000 but was " + batchSize);
    }
  }
}
