package io.orchestrix.projection.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.kafka.testing.KafkaTestBroker;
import io.orchestrix.projection.tck.TestServers;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The side-by-side Kafka command at a small N on the shared test broker: every side (the loop, the
 * source on PostgreSQL and on memory) builds the workload's read model, so the command exits with 0.
 * Correctness only, not speed.
 */
class KafkaSourceBenchTest {

  @Test
  void everySideBuildsTheWorkloadsReadModelSoTheCommandExitsWithZero() {
    String url = TestServers.require(TestServers.Server.POSTGRES);
    String unique = UUID.randomUUID().toString().substring(0, 8);

    int exitCode = new CommandLine(new KafkaSourceBench()).execute("--events", "5000", "--runs", "1",
        "--partitions", "4", "--bootstrap", KafkaTestBroker.shared().bootstrapServers(),
        "--jdbc-url", url, "--memory", "--table-prefix", "ks_" + unique + "_",
        "--loop-table-prefix", "kl_" + unique + "_");

    assertThat(exitCode).as("exit code: 0 when every digest equals the reference").isZero();
  }
}
