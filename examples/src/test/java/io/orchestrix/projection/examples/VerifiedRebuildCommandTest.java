package io.orchestrix.projection.examples;

import static io.orchestrix.projection.examples.GenerationsCommandTest.digestLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.tck.TestServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rebuild --blue-green --verify} on an H2 file and on PostgreSQL: a deliberately changed handler
 * is caught by the digest check before the cut-over (the new generation is kept for inspection, then
 * dropped), and an identical one cuts over with the reference digest.
 */
class VerifiedRebuildCommandTest {

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
  void theDigestCheckCatchesAChangedHandlerAndPassesAnIdenticalOneOnH2() {
    String db = "jdbc:h2:file:" + directory.resolve("verify").toAbsolutePath();
    verify(List.of("--store", db), List.of("--source", db), List.of("--source", db));
  }

  @Test
  void theDigestCheckCatchesAChangedHandlerAndPassesAnIdenticalOneOnPostgres() throws Exception {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    String prefix = "ver" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    try {
      verify(List.of("--store", url, "-P", "table-prefix=" + prefix),
          List.of("--source", url, "-S", "table-prefix=" + prefix),
          List.of("--source", url, "-P", "table-prefix=" + prefix));
    } finally {
      GenerationsCommandTest.dropTables(url, prefix);
    }
  }

  private void verify(List<String> store, List<String> source, List<String> appendTo) {
    CliRun append = cli(List.of("append", "--events", N), appendTo);
    assertThat(append.exitCode()).as(append.output() + append.errors()).isZero();
    CliRun follow = cli(List.of("follow", "--until", N), store, source);
    assertThat(follow.exitCode()).as(follow.output() + follow.errors()).isZero();
    assertThat(cli(List.of("rebuild", "--verify", "--yes"), store, source).errors())
        .contains("--verify needs --blue-green");

    CliRun changed = cli(List.of("rebuild", "--blue-green", "--version", "2", "--verify",
        "--change-handler", "order-7"), store, source);
    assertThat(changed.exitCode()).as(changed.output() + changed.errors()).isEqualTo(2);
    assertThat(changed.output())
        .contains("refused      1 of 200 documents differ at position [1000]; the first:")
        .contains("differs      order_summary_bench id order-7: live {")
        .contains("kept         generation 2 stays being built")
        .doesNotContain("cut over");
    String differs = changed.output().lines().filter(l -> l.startsWith("differs")).findFirst()
        .orElseThrow();
    String name = differs.replaceAll(".*live \\{.*?\"customerName\": ?\"([^\"]+)\".*", "$1");
    assertThat(differs.substring(differs.indexOf(", built {"))).as("the changed handler's document")
        .contains(name.toUpperCase(java.util.Locale.ROOT)).doesNotContain(name);
    assertThat(changed.errors()).contains("cut-over refused, generation 2 differs from live"
        + " generation 1 at position [1000] in 1 of 200 documents");
    assertThat(cli(List.of("generations", "list"), store).output())
        .containsPattern("generation 1 version 1  LIVE since .*  checkpoint 1,000\n")
        .containsPattern("generation 2 version 2  BUILDING since .*  checkpoint 1,000\n");
    assertThat(digestLine(cli(List.of("digest"), store).output())).as("queries read generation 1")
        .isEqualTo(reference);

    CliRun abandon = cli(List.of("generations", "drop", "--generation", "2", "--yes"), store);
    assertThat(abandon.exitCode()).as(abandon.errors()).isZero();
    assertThat(abandon.output()).contains("generation 2 version 2  DROPPED");

    CliRun identical = cli(List.of("rebuild", "--blue-green", "--version", "3", "--verify",
        "--batch-size", "300"), store, source);
    assertThat(identical.exitCode()).as(identical.output() + identical.errors()).isZero();
    assertThat(identical.output())
        .contains("building     generation 3 (version 3) beside live generation 1, resumed from"
            + " checkpoint 0")
        .contains("built        1,000 events up to position 1,000")
        .contains("cut over     to generation 3 (version 3) after the digest check");
    assertThat(digestLine(identical.output())).isEqualTo(reference);
    assertThat(cli(List.of("status"), store).output()).contains("generation 1 version 1  RETIRED")
        .contains("generation 3 version 3  LIVE");
  }

  @SafeVarargs
  private static CliRun cli(List<String>... parts) {
    List<String> args = new ArrayList<>();
    for (List<String> part : parts) {
      args.addAll(part);
    }
    return CliRun.of(args.toArray(String[]::new));
  }
}
