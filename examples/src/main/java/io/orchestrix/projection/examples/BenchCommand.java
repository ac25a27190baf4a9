package io.orchestrix.projection.examples;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.examples.workload.Fingerprint;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: the standard workload of {@code WORKLOAD.md} through the engine on any store. The
 * events are generated in memory (not timed); the projection then runs from its stored checkpoint, so
 * a run killed halfway resumes where its last commit left it, and every complete run of the same
 * {@code --events} ends with the same digest.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the standard workload (WORKLOAD.md) through the engine on a store, from the projection's"
            + " stored checkpoint, and prints the stream's fingerprint, events/s and the read model's"
            + " digest.",
        "Resume after a crash by running the same command again; --reset starts from scratch.",
        "With --source, the events go to a JDBC event store first (not timed; skipped if it holds"
            + " them) and a ProjectionRunner following it is timed to position N.",
        "With --kafka BOOTSTRAP --topic T, the events go to the topic first as append --kafka writes"
            + " them (not timed; skipped if it holds them) and a KafkaProjectionSource, one engine"
            + " partition per topic partition, is timed until every partition is applied."})
final class BenchCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--store", defaultValue = "memory:", paramLabel = "URI",
      description = "Store URI: memory:, jdbc:h2:file:./data/bench, jdbc:postgresql://host/db?user=u,"
          + " redis://host:6379, mongodb://host/db. Default: ${DEFAULT-VALUE}")
  String storeUri;

  @Option(names = {"-P", "--store-property"}, paramLabel = "KEY=VALUE",
      description = "A store option, repeatable, for example -P key-prefix=bench: for Redis or"
          + " -P table-prefix=bench_ for JDBC.")
  Map<String, String> storeProperties = new LinkedHashMap<>();

  @Option(names = "--events", defaultValue = "100000", paramLabel = "N",
      description = "Events in the stream, a positive multiple of 5. Default: ${DEFAULT-VALUE}")
  int events;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "Events per batch (one commit each), 1 to 100000. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--reset",
      description = "Delete this projection's read model and checkpoint first (not timed), so the run"
          + " starts from an empty checkpoint.")
  boolean reset;

  @Option(names = "--pipelined",
      description = "Feed the engine through submit(), so each batch's handlers run while the batch"
          + " before it commits, instead of processEvents() batch after batch.")
  boolean pipelined;

  @Option(names = "--source", paramLabel = "JDBC_URL",
      description = "Run through a ProjectionRunner on this JDBC event store (see append) instead of"
          + " feeding the engine from memory.")
  @Nullable String source;

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--topic-partitions", paramLabel = "K",
      description = "With --kafka: the partitions the topic has, or is created with if missing,"
          + " 1 to 10000. Default: the existing topic's count.")
  @Nullable Integer topicPartitions;

  @Option(names = {"-S", "--source-property"}, paramLabel = "KEY=VALUE",
      description = "An event store option for --source, repeatable, for example -S table-prefix=ev_.")
  Map<String, String> sourceProperties = new LinkedHashMap<>();

  @Option(names = "--progress",
      description = "Print 'committed <checkpoint>' to standard error after every batch.")
  boolean progress;

  @Override
  public Integer call() {
    WorkloadOptions.check(spec.commandLine(), events, batchSize);
    kafka.check(spec.commandLine(), source, sourceProperties, true);
    if (topicPartitions != null && (!kafka.given() || topicPartitions < 1 || topicPartitions > 10_000)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--topic-partitions applies to"
          + " --kafka only and must be 1 to 10000, but was " + topicPartitions);
    }
    if (kafka.given()) {
      if (pipelined || progress) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--pipelined and --progress feed the engine from memory; they do not apply to --kafka");
      }
      return KafkaBench.run(spec.commandLine(), storeUri, storeProperties, kafka,
          topicPartitions == null ? OptionalInt.empty() : OptionalInt.of(topicPartitions), events,
          batchSize, reset);
    }
    if (source != null) {
      if (pipelined || progress) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--pipelined and --progress feed the engine from memory; they do not apply to --source");
      }
      return RunnerBench.run(spec.commandLine().getOut(), spec.commandLine().getErr(), storeUri,
          storeProperties, source, sourceProperties, events, batchSize, reset);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    StandardWorkload workload = StandardWorkload.of(events);
    List<EventEnvelope<WorkloadEvent>> stream = workload.toList();
    out.printf(Locale.ROOT, "workload     %,d events, %,d orders, fingerprint %s%n", events,
        workload.orders(), Fingerprint.of(stream).hex());
    try (ProjectionStore store = ProjectionStoreProviders.open(storeUri, storeProperties)) {
      out.println("store        " + store.description());
      ProjectionEngine engine = WorkloadProjection.engine(store, batchSize);
      if (reset) {
        engine.operations().reset();
      }
      LongConsumer afterCommit =
          progress ? checkpoint -> System.err.println("committed " + checkpoint) : checkpoint -> { };
      WorkloadRunner.Result result = pipelined
          ? WorkloadRunner.runPipelined(engine, stream, batchSize, afterCommit)
          : WorkloadRunner.run(engine, stream, batchSize, afterCommit);
      out.printf(Locale.ROOT, "resumed from checkpoint %,d%n", result.fromCheckpoint());
      out.printf(Locale.ROOT, "processed    %,d events in %.3f s, batch size %,d%s: %,.0f events/s%n",
          result.eventsApplied(), result.seconds(), batchSize, pipelined ? ", pipelined" : "",
          result.eventsPerSecond());
      out.printf(Locale.ROOT, "checkpoint   %,d%n", result.toCheckpoint());
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
    }
    return 0;
  }
}
