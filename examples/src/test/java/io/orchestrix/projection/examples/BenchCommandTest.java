package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

  /** Events of the runs on H2; their digest must equal the digest of a run on memory:. */
  private static final int EVENTS = 20_000;

  @TempDir
  Path directory;

  @Test
  void benchPrintsTheFingerprintTheRateAndTheDigestOfTheWorkloadTable() {
    CliRun run = cli("bench", "--store", "memory:", "--events", "50000", "--batch-size", "1000");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("workload     50,000 events, 10,000 orders, fingerprint 05e32c561e5f664e")
        .contains("resumed from checkpoint 0")
        .containsPattern("processed    50,000 events in \\d+\\.\\d{3} s, batch size 1,000: [\\d,]+ events/s")
        .contains("checkpoint   50,000")
        .containsPattern("digest       sha256:[0-9a-f]{64} \\(10000 documents, items 90000, total 4514098.00\\)");
  }

  @Test
  void benchRunTwiceOnAnH2FilePrintsTheSameDigestAndTheSecondRunAppliesNothing() {
    String store = h2("twice");
    CliRun first = cli("bench", "--store", store, "--events", String.valueOf(EVENTS));
    CliRun second = cli("bench", "--store", store, "--events", String.valueOf(EVENTS));
    CliRun digest = cli("digest", "--store", store);

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output()).contains("resumed from checkpoint 20,000")
        .contains("processed    0 events");
    assertThat(digestLine(second)).isEqualTo(digestLine(first)).isEqualTo(memoryDigest());
    assertThat(digestLine(digest)).isEqualTo(digestLine(first));
    assertThat(digest.output()).contains("checkpoint   20,000");
  }

  @Test
  void benchKilledWithSigkillHalfwayResumesFromTheStoredCheckpointToTheSameDigest()
      throws Exception {
    // WRITE_DELAY=0: H2 writes each commit to the file before the commit returns. With H2's default
    // (500 ms) a SIGKILL may lose the last acknowledged batches, always together with their checkpoint,
    // and the killed run might not have reached the file at all by the time it is killed.
    String store = h2("killed") + ";WRITE_DELAY=0";
    Process child = new ProcessBuilder(ChildJvm.command(List.of("bench", "--store", store,
        "--events", String.valueOf(EVENTS), "--batch-size", "100", "--progress")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long seen = 0;
    try (BufferedReader progress = new BufferedReader(
        new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = progress.readLine()) != null) {
        if (line.startsWith("committed ")) {
          seen = Long.parseLong(line.substring("committed ".length()));
          if (seen >= EVENTS / 2) {
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            break;
          }
        }
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child ended").isTrue();
    }
    assertThat(seen).as("the child reported a commit past half the stream")
        .isGreaterThanOrEqualTo(EVENTS / 2);
    long stored;
    try (ProjectionStore opened = ProjectionStoreProviders.open(store)) {
      stored = opened.loadState(WorkloadProjection.PROJECTION_ID)
          .map(ProjectionState::lastProcessedPosition).orElse(0L);
    }
    assertThat(stored).as("killed halfway, no acknowledged commit lost: the stored checkpoint")
        .isBetween(seen, EVENTS - 1L);

    CliRun resumed = cli("bench", "--store", store, "--events", String.valueOf(EVENTS),
        "--batch-size", "100");

    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output())
        .contains(String.format("resumed from checkpoint %,d", stored))
        .contains(String.format("processed    %,d events", EVENTS - stored))
        .contains("checkpoint   20,000");
    assertThat(digestLine(resumed)).isEqualTo(memoryDigest());
  }

  @Test
  void benchRefusesAnEventCountThatIsNotAMultipleOfFive() {
    CliRun run = cli("bench", "--events", "12");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errors()).contains("--events must be a positive multiple of 5 but was 12");
  }

  private String h2(String name) {
    return "jdbc:h2:file:" + directory.resolve(name).toAbsolutePath();
  }

  private String memoryDigest() {
    CliRun run = cli("bench", "--store", "memory:", "--events", String.valueOf(EVENTS));
    assertThat(run.exitCode()).as(run.output()).isZero();
    return digestLine(run);
  }

  private static String digestLine(CliRun run) {
    List<String> lines = new ArrayList<>(run.output().lines().filter(l -> l.startsWith("digest")).toList());
    assertThat(lines).as("one digest line in:%n%s", run.output()).hasSize(1);
    return lines.get(0);
  }

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }
}
