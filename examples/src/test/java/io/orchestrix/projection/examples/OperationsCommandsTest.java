package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.tck.TestServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operations commands on real databases: an H2 file always, PostgreSQL when one is reachable.
 * Every digest is compared with the digest of {@code bench --store memory:} for the same N.
 */
class OperationsCommandsTest {

  private static final int EVENTS = 2_000;
  private static final String N = String.valueOf(EVENTS);

  private static String reference;

  @TempDir
  Path directory;

  @BeforeAll
  static void referenceDigest() {
    CliRun bench = cli("bench", "--store", "memory:", "--events", N);
    assertThat(bench.exitCode()).as(bench.output()).isZero();
    reference = digestLine(bench);
  }

  @Test
  void appendThenFollowOnH2GivesTheMemoryDigestAndStatusResetAndRebuildOperateIt() {
    String db = h2("ops");

    CliRun append = cli("append", "--source", db, "--events", N);
    assertThat(append.exitCode()).as(append.errors()).isZero();
    assertThat(append.output()).contains("appended     2,000 events after position 0")
        .contains("head         2,000");
    CliRun again = cli("append", "--source", db, "--events", N);
    assertThat(again.output()).as("a second run finds the stream complete")
        .contains("appended     0 events after position 2,000").contains("head         2,000");
    CliRun longer = cli("append", "--source", db, "--events", "4000");
    assertThat(longer.exitCode()).isEqualTo(2);
    assertThat(longer.errors()).contains("is not the workload's");

    CliRun follow = cli("follow", "--store", db, "--source", db, "--until", N, "--batch-size", "250");
    assertThat(follow.exitCode()).as(follow.output() + follow.errors()).isZero();
    assertThat(follow.output()).contains("following    order-summary-bench until 2,000")
        .containsPattern("status       position [\\d,]+  head [\\d,]+  lag [\\d,]+ events \\d+\\.\\d{3} s"
            + "  [A-Z_]+  [\\d,]+ events/s  dead letters \\d+")
        .contains("stopped      at checkpoint 2,000: reached --until 2000");
    assertThat(digestLine(follow)).isEqualTo(reference);

    CliRun status = cli("status", "--store", db);
    assertThat(status.output()).contains("checkpoint   2,000").contains("healthy      true")
        .contains("failed at    none").contains("dead letters 0 (failed 0, parked 0)");

    CliRun refused = cli("reset", "--store", db);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.errors()).contains("add --yes to confirm");
    assertThat(cli("status", "--store", db).output()).contains("checkpoint   2,000");

    CliRun moved = cli("reset", "--store", db, "--to", "1500", "--yes");
    assertThat(moved.output()).contains("checkpoint moved from 2,000 to 1,500")
        .contains("checkpoint   1,500");
    assertThat(digestLine(moved)).as("reset --to keeps the read model").isEqualTo(reference);

    CliRun reset = cli("reset", "--store", db, "--yes");
    assertThat(reset.exitCode()).as(reset.errors()).isZero();
    assertThat(reset.output()).contains("checkpoint   0").contains("(0 documents, items 0, total 0.00)");
    assertThat(cli("digest", "--store", db).output()).contains("(0 documents");

    assertThat(cli("rebuild", "--store", db, "--source", db).exitCode()).isEqualTo(2);
    CliRun rebuild = cli("rebuild", "--store", db, "--source", db, "--batch-size", "300", "--yes");
    assertThat(rebuild.exitCode()).as(rebuild.errors()).isZero();
    assertThat(rebuild.output()).contains("replayed     2,000 events up to head 2,000")
        .contains("checkpoint   2,000");
    assertThat(digestLine(rebuild)).isEqualTo(reference);

    CliRun negative = cli("rebuild", "--build-rate-limit", "-5", "--yes", "--store", db,
        "--source", db);
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.errors()).contains("--build-rate-limit must be 0 (no limit) to 100000000")
        .contains("but was -5");
    CliRun blueGreen = cli("rebuild", "--blue-green", "--version", "2", "--build-rate-limit",
        "1000", "--store", db, "--source", db);
    assertThat(blueGreen.exitCode()).as(blueGreen.errors()).isZero();
    assertThat(blueGreen.output()).contains("building     generation 2 (version 2) beside live"
        + " generation 1").contains("cut over     to generation 2 (version 2)")
        .as("two batches of 1,000 at 1,000 events/s: the second one waits a second")
        .containsPattern("built        2,000 events up to position 2,000 in [1-9]\\d*\\.\\d{3} s");
    assertThat(digestLine(blueGreen)).isEqualTo(reference);
    assertThat(digestLine(cli("digest", "--store", db))).as("queries read generation 2")
        .isEqualTo(reference);
    assertThat(cli("status", "--store", db).output()).contains("generation 1 version 1  RETIRED")
        .contains("generation 2 version 2  LIVE");
    CliRun liveAgain = cli("rebuild", "--blue-green", "--version", "2", "--store", db, "--source", db);
    assertThat(liveAgain.exitCode()).isEqualTo(2);
    assertThat(liveAgain.errors()).contains("is the live one");
  }

  @Test
  void benchThroughTheRunnerOnAnH2EventStoreAppendsOnceAndGivesTheMemoryDigest() {
    String db = h2("bench");

    CliRun first = cli("bench", "--store", db, "-P", "table-prefix=p_", "--source", db,
        "-S", "table-prefix=e_", "--events", N, "--batch-size", "500");
    assertThat(first.exitCode()).as(first.output() + first.errors()).isZero();
    assertThat(first.output())
        .contains("workload     2,000 events, 400 orders, fingerprint e9b8345f2852cf3c")
        .contains("appended     2,000 events (not timed)")
        .contains("resumed from checkpoint 0")
        .containsPattern("processed    2,000 events in \\d+\\.\\d{3} s, batch size 500,"
            + " ProjectionRunner on the event store: [\\d,]+ events/s")
        .contains("checkpoint   2,000");
    assertThat(digestLine(first)).isEqualTo(reference);

    CliRun second = cli("bench", "--store", db, "-P", "table-prefix=p_", "--source", db,
        "-S", "table-prefix=e_", "--events", N, "--reset");
    assertThat(second.exitCode()).as(second.output() + second.errors()).isZero();
    assertThat(second.output()).as("the event store already holds the events")
        .contains("appended     0 events (not timed)").contains("resumed from checkpoint 0")
        .contains("processed    2,000 events");
    assertThat(digestLine(second)).isEqualTo(reference);
  }

  @Test
  void appendThenFollowAndRebuildOnPostgresGiveTheMemoryDigest() throws Exception {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    String prefix = uniquePrefix();
    try {
      CliRun append = cli("append", "--source", url, "-P", "table-prefix=" + prefix, "--events", N);
      assertThat(append.exitCode()).as(append.errors()).isZero();
      assertThat(append.output()).contains("head         2,000");

      CliRun follow = cli("follow", "--store", url, "-P", "table-prefix=" + prefix, "--source", url,
          "-S", "table-prefix=" + prefix, "--until", N);
      assertThat(follow.exitCode()).as(follow.output() + follow.errors()).isZero();
      assertThat(digestLine(follow)).isEqualTo(reference);
      assertThat(cli("status", "--store", url, "-P", "table-prefix=" + prefix).output())
          .contains("checkpoint   2,000");

      CliRun rebuild = cli("rebuild", "--store", url, "-P", "table-prefix=" + prefix, "--source", url,
          "-S", "table-prefix=" + prefix, "--yes");
      assertThat(rebuild.exitCode()).as(rebuild.errors()).isZero();
      assertThat(digestLine(rebuild)).isEqualTo(reference);

      CliRun bench = cli("bench", "--store", url, "-P", "table-prefix=" + prefix + "b_", "--source", url,
          "-S", "table-prefix=" + prefix, "--events", N);
      assertThat(bench.exitCode()).as(bench.output() + bench.errors()).isZero();
      assertThat(bench.output()).contains("appended     0 events (not timed)")
          .contains("processed    2,000 events");
      assertThat(digestLine(bench)).isEqualTo(reference);
    } finally {
      dropTables(url, prefix);
    }
  }

  @Test
  void followInAThreadWhileAnAppendRunsReachesTheHeadWithTheReferenceDigest() throws Exception {
    String db = h2("concurrent");
    StringWriter followOutput = new StringWriter();
    CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() ->
        // the command itself, not through ExamplesCli: its writers are set on the very CommandLine
        // that runs it, so nothing it prints can reach System.out, which cli() below captures. The
        // strategy is a lambda because picocli's RunLast remembers System.out when it is made and,
        // finding a different one when it runs (cli() swaps it meanwhile), replaces these writers.
        new CommandLine(new FollowCommand()).setOut(new PrintWriter(followOutput, true))
            .setErr(new PrintWriter(followOutput, true))
            .setExecutionStrategy(parsed -> new CommandLine.RunLast().execute(parsed))
            .execute("--store", db, "--source", db, "--until", N, "--batch-size", "50"));

    CliRun append = cli("append", "--source", db, "--events", N);

    assertThat(append.exitCode()).as(append.errors()).isZero();
    assertThat(follow.get(60, TimeUnit.SECONDS)).as(followOutput.toString()).isZero();
    assertThat(followOutput.toString()).contains("stopped      at checkpoint 2,000");
    assertThat(digestLine(followOutput.toString())).isEqualTo(reference);
  }

  @Test
  void followInAChildJvmOnPostgresKeepsUpWithAnAppendAndStopsGracefullyOnSigterm()
      throws Exception {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    String prefix = uniquePrefix();
    Process child = null;
    try {
      // create the tables first, so that the child and the append do not race to create them
      assertThat(cli("status", "--store", url, "-P", "table-prefix=" + prefix).exitCode()).isZero();
      child = new ProcessBuilder(ChildJvm.command(List.of("follow", "--store", url, "-P",
          "table-prefix=" + prefix, "--source", url, "-S", "table-prefix=" + prefix,
          "--batch-size", "100")))
          .redirectErrorStream(true)
          .start();
      LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Process started = child;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
          in.lines().forEach(lines::add);
        } catch (Exception e) {
          lines.add("reader failed: " + e);
        }
      });
      reader.start();
      List<String> seen = new ArrayList<>();
      awaitLine(lines, seen, line -> line.startsWith("following"), 30);

      CliRun append = cli("append", "--source", url, "-P", "table-prefix=" + prefix, "--events", N);
      assertThat(append.exitCode()).as(append.errors()).isZero();
      awaitLine(lines, seen, line -> line.startsWith("status       position 2,000  head 2,000"), 30);

      // SIGTERM, through the process handle: Process.destroy() would also close our end of the
      // child's output, and the lines printed by its shutdown hook would be lost
      assertThat(child.toHandle().destroy()).isTrue();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child ended").isTrue();
      reader.join(5_000);
      lines.drainTo(seen);
      String output = String.join("\n", seen);
      assertThat(output).contains("stopped      at checkpoint 2,000: stop requested");
      assertThat(digestLine(output)).isEqualTo(reference);
      assertThat(seen.stream().filter(line -> line.startsWith("status")).count())
          .as("status lines while following:%n%s", output).isGreaterThanOrEqualTo(2);
    } finally {
      if (child != null) {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      dropTables(url, prefix);
    }
  }

  @Test
  void deadLettersOfAFailingStreamAreListedThenRetriedInOrderToTheReferenceDigest() {
    String db = h2("dead");
    assertThat(cli("append", "--source", db, "--events", N).exitCode()).isZero();

    CliRun faulty = cli("follow", "--store", db, "--source", db, "--until", N,
        "--fail-stream", "order-7", "--dead-letter-after", "2");
    assertThat(faulty.exitCode()).as(faulty.output() + faulty.errors()).isZero();
    assertThat(faulty.output()).contains("stopped      at checkpoint 2,000")
        .contains("(399 documents");

    assertThat(cli("status", "--store", db).output())
        .contains("dead letters 5 (failed 1, parked 4)")
        .contains("injected fault (--fail-stream) for stream order-7");
    CliRun list = cli("dead-letters", "list", "--store", db);
    List<String> letters = list.output().lines().filter(l -> l.startsWith("position")).toList();
    assertThat(letters).as(list.output()).hasSize(5).allMatch(l -> l.contains("stream order-7"));
    assertThat(letters.get(0)).contains("event " + "io.orchestrix.projection.examples.workload"
            + ".WorkloadEvent$OrderCreated")
        .contains("error java.lang.IllegalStateException")
        .contains("message injected fault (--fail-stream) for stream order-7")
        // --dead-letter-after 2: the runner made 2 attempts and the dead letter records them
        .contains("attempts 2  ").contains("parked false");
    assertThat(letters.subList(1, 5)).allMatch(l -> l.contains("error parked") && l.endsWith("parked true"));
    assertThat(list.output()).contains("5 dead letters (failed 1, parked 4)");
    assertThat(cli("dead-letters", "list", "--store", db, "--error-type", "IllegalStateException")
        .output()).contains("1 dead letters (failed 1, parked 0)");

    CliRun everything = cli("dead-letters", "retry", "--store", db);
    assertThat(everything.exitCode()).isEqualTo(2);
    assertThat(everything.errors()).contains("refusing to act on every dead letter");

    CliRun retry = cli("dead-letters", "retry", "--store", db, "--error-type", "IllegalStateException");
    assertThat(retry.exitCode()).as(retry.errors()).isZero();
    assertThat(retry.output()).contains("retried      applied 5, still failing 0")
        .contains("remaining    0 dead letters");
    assertThat(digestLine(retry)).isEqualTo(reference);
    assertThat(cli("dead-letters", "list", "--store", db).output())
        .contains("0 dead letters (failed 0, parked 0)");
  }

  @Test
  void discardRemovesTheSelectedDeadLettersAndAFollowWithoutDeadLetteringStopsAtTheFault() {
    String db = h2("discard");
    assertThat(cli("append", "--source", db, "--events", N).exitCode()).isZero();

    CliRun stopped = cli("follow", "--store", db, "--source", db, "--until", N,
        "--fail-stream", "order-7");
    assertThat(stopped.exitCode()).as(stopped.output()).isEqualTo(1);
    assertThat(stopped.errors()).contains("failed after checkpoint").contains("stopped at event");
    CliRun status = cli("status", "--store", db);
    assertThat(status.output()).contains("healthy      false").doesNotContain("failed at    none")
        .contains("dead letters 0");

    CliRun faulty = cli("follow", "--store", db, "--source", db, "--until", N,
        "--fail-stream", "order-7", "--dead-letter-after", "1");
    assertThat(faulty.exitCode()).as(faulty.output() + faulty.errors()).isZero();
    assertThat(faulty.output()).contains("stopped      at checkpoint 2,000");

    CliRun discard = cli("dead-letters", "discard", "--store", db, "--stream", "order-7");
    assertThat(discard.exitCode()).as(discard.errors()).isZero();
    assertThat(discard.output()).contains("discarded    5").contains("remaining    0 dead letters")
        .contains("(399 documents");
    assertThat(cli("status", "--store", db).output()).contains("checkpoint   2,000")
        .contains("dead letters 0 (failed 0, parked 0)");
  }

  private static void awaitLine(LinkedBlockingQueue<String> lines, List<String> seen,
      java.util.function.Predicate<String> wanted, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        if (wanted.test(line)) {
          return;
        }
      }
    }
    throw new AssertionError("no such line within " + seconds + " s; seen:\n" + String.join("\n", seen));
  }

  private String h2(String name) {
    return "jdbc:h2:file:" + directory.resolve(name).toAbsolutePath();
  }

  private static String uniquePrefix() {
    return "ops" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  }

  /** Drops every table of the prefix: the event store's and the projection store's. */
  private static void dropTables(String url, String prefix) throws Exception {
    try (Connection connection = DriverManager.getConnection(url);
         Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet found = statement.executeQuery("SELECT table_name FROM"
          + " information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE '"
          + prefix + "%'")) {
        while (found.next()) {
          tables.add(found.getString(1));
        }
      }
      for (String table : tables) {
        statement.execute("DROP TABLE IF EXISTS \"" + table + "\" CASCADE");
      }
    }
  }

  private static String digestLine(CliRun run) {
    return digestLine(run.output());
  }

  private static String digestLine(String output) {
    List<String> lines = output.lines().filter(l -> l.startsWith("digest")).toList();
    assertThat(lines).as("one digest line in:%n%s", output).hasSize(1);
    return lines.get(0);
  }

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }
}
