package io.orchestrix.projection.examples;

import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that name the JDBC event store a projection reads, for follow and rebuild. */
final class SourceOptions {

  @Option(names = "--source", required = true, paramLabel = "JDBC_URL",
      description = "The JDBC event store holding the workload's events (written by append):"
          + " jdbc:postgresql://host/db?user=u, jdbc:mariadb://..., jdbc:h2:file:./data/events.")
  String url;

  @Option(names = {"-S", "--source-property"}, paramLabel = "KEY=VALUE",
      description = "An event store option, repeatable, for example -S table-prefix=app_ (the same"
          + " prefix may hold the projection store's tables).")
  Map<String, String> properties = new LinkedHashMap<>();

  JdbcEventStore open() {
    return WorkloadEventStore.open(url, properties);
  }
}
