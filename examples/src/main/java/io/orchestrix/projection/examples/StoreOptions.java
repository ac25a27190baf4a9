package io.orchestrix.projection.examples;

import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options that name a projection store and a projection in it, shared by the operations commands. */
final class StoreOptions {

  @Option(names = "--store", required = true, paramLabel = "URI",
      description = "Store URI of the projection: memory:, jdbc:h2:file:./data/app,"
          + " jdbc:postgresql://host/db?user=u, redis://host:6379, mongodb://host/db.")
  String uri;

  @Option(names = {"-P", "--store-property"}, paramLabel = "KEY=VALUE",
      description = "A store option, repeatable, for example -P table-prefix=app_ for JDBC or"
          + " -P key-prefix=app: for Redis.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--projection", paramLabel = "ID", defaultValue = WorkloadProjection.PROJECTION_ID,
      description = "The projection. Default: ${DEFAULT-VALUE} (the standard workload's, as bench"
          + " and follow store it).")
  String projection;

  ProjectionStore open() {
    return ProjectionStoreProviders.open(uri, properties);
  }

  /**
   * Refuses a projection other than the standard workload's for a command that runs its handlers or
   * clears its read model: those are the only ones this command line knows.
   */
  void requireWorkloadProjection(CommandLine commandLine) {
    if (!WorkloadProjection.PROJECTION_ID.equals(projection)) {
      throw new CommandLine.ParameterException(commandLine, "this command runs the handlers and"
          + " clears the read model of the standard workload's projection '"
          + WorkloadProjection.PROJECTION_ID + "' only, not '" + projection + "'; status and"
          + " dead-letters list read any projection");
    }
  }
}
