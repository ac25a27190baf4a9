package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.examples.ordersummary.OrderSummaryExample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class OrderSummaryExampleTest {

  private static final String VARYING_EVENT = "Last event processed: <id of the last event: varies>";
  private static final String VARYING_TIME = "Last updated: <timestamp: varies>";

  @Test
  void printsTheSeedsOutputLineForLineWithTheRealEventIdAndTime() throws IOException {
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:15:30Z"), ZoneOffset.UTC);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OrderSummaryExample example = new OrderSummaryExample(new InMemoryProjectionStateStore(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8), clock);

    example.run();

    String lastEventId = example.events().get(9).eventId();
    String expected = expectedOutput()
        .replace(VARYING_EVENT, "Last event processed: " + lastEventId)
        .replace(VARYING_TIME, "Last updated: 2026-11-27T10:15:30Z");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void runsFromTheCommandLineOnTheDefaultStoreAndAgainOnANamedStore() {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertThat(ExamplesCli.run("order-summary")).isZero();
      assertThat(ExamplesCli.run("order-summary", "--store", "memory:cli-test")).isZero();
      assertThat(ExamplesCli.run("order-summary", "--store", "memory:cli-test")).isZero();
    } finally {
      System.setOut(original);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    List<String> healthy = output.lines().filter(line -> line.equals("Healthy: True")).toList();
    assertThat(healthy).hasSize(3);
    assertThat(output.lines().filter(line -> line.equals("DELIVERED: 1 order(s)"))).hasSize(3);
  }

  private static String expectedOutput() throws IOException {
    try (InputStream in = OrderSummaryExampleTest.class.getResourceAsStream("/example-output.txt")) {
      return new String(Objects.requireNonNull(in, "example-output.txt").readAllBytes(),
          StandardCharsets.UTF_8);
    }
  }
}
