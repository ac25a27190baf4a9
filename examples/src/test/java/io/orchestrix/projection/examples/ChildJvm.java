package io.orchestrix.projection.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs the examples' command line in a child JVM on this test JVM's class path, made
 * small and quick to start: C1 only, the serial collector, 256 MiB. Stateless.
 */
final class ChildJvm {

  private ChildJvm() {}

  /** The command line of a child JVM running {@code ExamplesCli} with these arguments. */
  static List<String> command(List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
        "-cp", System.getProperty("java.class.path"), ExamplesCli.class.getName()));
    command.addAll(arguments);
    return command;
  }
}
