package io.orchestrix.projection.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the examples' command line in this JVM, with what it printed.
 *
 * @param exitCode the command's exit code
 * @param output what it printed to standard output
 * @param errors what it printed to standard error
 */
record CliRun(int exitCode, String output, String errors) {

  /** Runs the command line, capturing both streams; not for tests that run in parallel. */
  static CliRun of(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
      int exitCode = ExamplesCli.run(args);
      return new CliRun(exitCode, output.toString(StandardCharsets.UTF_8),
          errors.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
