package io.orchestrix.projection.examples;

import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code append}: writes the standard workload's events to a JDBC event store, from the store's head
 * on, so that the event at position p is the workload's p-th event.
 */
@Command(
    name = "append",
    mixinStandardHelpOptions = true,
    description = {
        "Appends the standard workload's events (WORKLOAD.md) to a JDBC event store, continuing from"
            + " the store's head: the event at position p is the workload's p-th event. The stored"
            + " events are checked against the workload first; an interrupted run is completed by"
            + " running the same command again. Prints the head.",
        "--events is the length of the whole stream: the workload of N events ends by draining its"
            + " window of open orders, so a stream of N events is not a prefix of a longer one."})
final class AppendCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--source", required = true, paramLabel = "JDBC_URL",
      description = "The event store: jdbc:postgresql://host/db?user=u, jdbc:mariadb://...,"
          + " jdbc:h2:file:./data/events.")
  String sourceUrl;

  @Option(names = {"-P", "--store-property"}, paramLabel = "KEY=VALUE",
      description = "An event store option, repeatable, for example -P table-prefix=app_.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--events", defaultValue = "100000", paramLabel = "N",
      description = "Events the stream holds when done, a positive multiple of 5."
          + " Default: ${DEFAULT-VALUE}")
  int events;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "About this many events per transaction, across the interleaved orders"
          + " (a multi-stream append). Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Override
  public Integer call() {
    WorkloadOptions.check(spec.commandLine(), events, batchSize);
    PrintWriter out = spec.commandLine().getOut();
    StandardWorkload workload = StandardWorkload.of(events);
    out.printf(Locale.ROOT, "workload     %,d events, %,d orders, fingerprint %s%n", events,
        workload.orders(), Fingerprint.of(workload).hex());
    out.flush();
    try (JdbcEventStore store = WorkloadEventStore.open(sourceUrl, properties)) {
      out.println("event store  " + store.description());
      out.flush();
      WorkloadEventStore.Appended appended;
      try {
        appended = WorkloadEventStore.append(store, workload, batchSize);
      } catch (WorkloadEventStore.WorkloadMismatchException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 2;
      }
      out.printf(Locale.ROOT, "appended     %,d events after position %,d in %,d appends, %.3f s:"
              + " %,.0f events/s%n", appended.events(), appended.fromHead(), appended.appends(),
          appended.nanos() / 1e9, appended.eventsPerSecond());
      out.printf(Locale.ROOT, "head         %,d%n", store.headPosition());
    }
    out.flush();
    return 0;
  }
}
