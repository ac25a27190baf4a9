package io.orchestrix.projection.examples;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code digest}: the digest of the standard workload's read model as a store holds it, and the
 * checkpoint it belongs to. Reads committed data only; it does not claim the projection, so it may run
 * beside a {@code bench}.
 */
@Command(
    name = "digest",
    mixinStandardHelpOptions = true,
    description = "Prints the SHA-256 digest of the stored standard-workload read model"
        + " (WORKLOAD.md) and the projection's checkpoint.")
final class DigestCommand implements Callable<Integer> {

  @Option(names = "--store", required = true, paramLabel = "URI",
      description = "Store URI, as given to bench.")
  String storeUri;

  @Option(names = {"-P", "--store-property"}, paramLabel = "KEY=VALUE",
      description = "A store option, repeatable, for example -P key-prefix=bench: for Redis or"
          + " -P table-prefix=bench_ for JDBC.")
  Map<String, String> storeProperties = new LinkedHashMap<>();

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (ProjectionStore store = ProjectionStoreProviders.open(storeUri, storeProperties)) {
      ProjectionEngine engine = WorkloadProjection.engine(store, 1);
      out.printf(Locale.ROOT, "checkpoint   %,d%n", engine.state().lastProcessedPosition());
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
    return 0;
  }
}
