package io.orchestrix.projection.examples;

import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.examples.ordersummary.OrderSummaryExample;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code order-summary}: the seed's OrderSummary example, on any store. */
@Command(
    name = "order-summary",
    mixinStandardHelpOptions = true,
    description = "Projects the seed's ten order events into OrderSummary read models and queries them.")
final class OrderSummaryCommand implements Callable<Integer> {

  @Option(names = "--store", defaultValue = "memory:", paramLabel = "URI",
      description = "Store URI: memory:, jdbc:h2:file:./data/orders, jdbc:postgresql://host/db?user=u,"
          + " redis://host:6379, mongodb://host/db. Default: ${DEFAULT-VALUE}")
  String storeUri;

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (ProjectionStore store = ProjectionStoreProviders.open(storeUri)) {
      new OrderSummaryExample(store, out, Clock.systemUTC()).run();
    }
    return 0;
  }
}
