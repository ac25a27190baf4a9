package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.tck.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generations list|rollback|drop} after {@code rebuild --blue-green}, on an H2 file and on
 * PostgreSQL: the refusals when there is no old generation or its state forbids the action, a
 * rollback to the reference digest, a drop of the rolled-back generation, and no rollback after it.
 */
class GenerationsCommandTest {

  private static final String N = "1000";

  private static String reference;

  @TempDir
  Path directory;

  @BeforeAll
  static void referenceDigest() {
    CliRun bench = CliRun.of("bench", "--store", "memory:", "--events", N);
    assertThat(bench.exitCode()).as(bench.output()).isZero();
    reference = digestLine(bench.output());
  }

  @Test
  void rollbackAndDropOfTheOldGenerationOnH2() {
    String db = "jdbc:h2:file:" + directory.resolve("generations").toAbsolutePath();
    rollbackAndDrop(List.of("--store", db), List.of("--source", db));
  }

  @Test
  void rollbackAndDropOfTheOldGenerationOnPostgres() throws Exception {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    String prefix = "gen" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    try {
      rollbackAndDrop(List.of("--store", url, "-P", "table-prefix=" + prefix),
          List.of("--source", url, "-S", "table-prefix=" + prefix));
    } finally {
      dropTables(url, prefix);
    }
  }

  private void rollbackAndDrop(List<String> store, List<String> source) {
    // append names its event store's options as -P, the others as -S
    CliRun append = cli(List.of("append", "--events", N), source.stream()
        .map(arg -> arg.equals("-S") ? "-P" : arg).toList());
    assertThat(append.exitCode()).as(append.output() + append.errors()).isZero();
    CliRun follow = cli(List.of("follow", "--until", N), store, source);
    assertThat(follow.exitCode()).as(follow.output() + follow.errors()).isZero();

    CliRun noRollback = cli(List.of("generations", "rollback"), store);
    assertThat(noRollback.exitCode()).isEqualTo(2);
    assertThat(noRollback.errors()).contains("no retired generation to roll back to");
    CliRun noDrop = cli(List.of("generations", "drop", "--yes"), store);
    assertThat(noDrop.exitCode()).isEqualTo(2);
    assertThat(noDrop.errors()).contains("no old generation to drop");
    CliRun unconfirmed = cli(List.of("generations", "drop"), store);
    assertThat(unconfirmed.exitCode()).isEqualTo(2);
    assertThat(unconfirmed.errors()).contains("add --yes to confirm");

    CliRun blueGreen = cli(List.of("rebuild", "--blue-green", "--version", "2"), store, source);
    assertThat(blueGreen.exitCode()).as(blueGreen.errors()).isZero();
    assertThat(cli(List.of("generations", "list"), store).output())
        .contains("generation 1 version 1  RETIRED").contains("generation 2 version 2  LIVE");
    CliRun dropLive = cli(List.of("generations", "drop", "--generation", "2", "--yes"), store);
    assertThat(dropLive.exitCode()).isEqualTo(2);
    assertThat(dropLive.errors()).contains("generation 2 is LIVE");
    CliRun dropUnknown = cli(List.of("generations", "drop", "--generation", "7", "--yes"), store);
    assertThat(dropUnknown.exitCode()).isEqualTo(2);
    assertThat(dropUnknown.errors()).contains("has no generation 7");

    CliRun rollback = cli(List.of("generations", "rollback"), store);
    assertThat(rollback.exitCode()).as(rollback.errors()).isZero();
    assertThat(rollback.output()).contains("rolled back  from generation 2 to generation 1 (version 1)")
        .contains("generation 1 version 1  LIVE").contains("generation 2 version 2  ROLLED_BACK");
    assertThat(digestLine(rollback.output())).isEqualTo(reference);

    CliRun drop = cli(List.of("generations", "drop", "--yes"), store);
    assertThat(drop.exitCode()).as(drop.errors()).isZero();
    assertThat(drop.output()).contains("dropped      generation 2")
        .contains("generation 2 version 2  DROPPED");
    assertThat(digestLine(drop.output())).as("the live generation is untouched").isEqualTo(reference);
    CliRun again = cli(List.of("generations", "rollback"), store);
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.errors()).contains("generation 2 (version '2') was dropped");
    assertThat(cli(List.of("status"), store).output()).contains("generation 1 version 1  LIVE")
        .contains("generation 2 version 2  DROPPED");
  }

  @Test
  void aPausedBuildIsNotBuiltNorCutOverUntilResumedOnH2() {
    String db = "jdbc:h2:file:" + directory.resolve("paused").toAbsolutePath();
    List<String> store = List.of("--store", db);
    List<String> source = List.of("--source", db);
    assertThat(cli(List.of("append", "--events", N), source).exitCode()).isZero();
    assertThat(cli(List.of("follow", "--until", N), store, source).exitCode()).isZero();
    CliRun nothing = cli(List.of("generations", "pause"), store);
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.errors()).contains("no generation is being built, so there is no build to"
        + " pause");
    try (ProjectionStore opened = ProjectionStoreProviders.open(db)) {
      WorkloadProjection.engine(opened, 100, FailurePolicy.stop(), 1, "2").generations()
          .startRebuild();
    }

    CliRun pause = cli(List.of("generations", "pause"), store);
    assertThat(pause.exitCode()).as(pause.errors()).isZero();
    assertThat(pause.output()).contains("paused       the build of generation 2 (version 2)")
        .contains("generation 2 version 2  BUILDING (build paused)");
    CliRun held = cli(List.of("rebuild", "--blue-green", "--version", "2"), store, source);
    assertThat(held.exitCode()).isEqualTo(2);
    assertThat(held.errors()).contains("the build of generation 2 is paused at checkpoint 0");
    assertThat(cli(List.of("status"), store).output())
        .contains("generation 1 version 1  LIVE").contains("BUILDING (build paused)");

    CliRun resume = cli(List.of("generations", "resume"), store);
    assertThat(resume.exitCode()).as(resume.errors()).isZero();
    assertThat(resume.output()).contains("resumed      the build of generation 2 (version 2)")
        .contains("generation 2 version 2  BUILDING since");
    CliRun built = cli(List.of("rebuild", "--blue-green", "--version", "2"), store, source);
    assertThat(built.exitCode()).as(built.output() + built.errors()).isZero();
    assertThat(built.output()).contains("cut over     to generation 2 (version 2)");
    assertThat(digestLine(built.output())).isEqualTo(reference);
  }

  @SafeVarargs
  private static CliRun cli(List<String>... parts) {
    List<String> args = new ArrayList<>();
    for (List<String> part : parts) {
      args.addAll(part);
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  static String digestLine(String output) {
    List<String> lines = output.lines().filter(l -> l.startsWith("digest")).toList();
    assertThat(lines).as("one digest line in:%n%s", output).hasSize(1);
    return lines.get(0);
  }

  /** Drops every table of the prefix: the event store's and the projection store's. */
  static void dropTables(String url, String prefix) throws Exception {
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
}
