package io.orchestrix.projection.examples;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.examples.kafka.WorkloadLayout;
import io.orchestrix.projection.examples.kafka.WorkloadTopic;
import io.orchestrix.projection.examples.kafka.WorkloadTopicException;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.kafka.KafkaProjectionSource;
import io.orchestrix.projection.spi.ProjectionStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.jspecify.annotations.Nullable;

/**
 * {@code follow}: keeps the standard workload's projection up to date from a JDBC event store with a
 * {@link ProjectionRunner}, printing its status every second, until a position or a signal.
 */
@Command(
    name = "follow",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the standard workload's projection in a ProjectionRunner that follows a JDBC event store"
            + " (LISTEN/NOTIFY on PostgreSQL, polling elsewhere), from the stored checkpoint, and"
            + " prints a status line every second: position, head, lag in events and time, state,"
            + " events/s and dead letters. With --partitions or --node it also prints the"
            + " partitions this node owns whenever they change (taken, handed over, or lost to"
            + " another node after a pause past the lease).",
        "Stops when the checkpoint reaches --until, or on Ctrl-C / SIGTERM (gracefully: the batch in"
            + " flight commits or is abandoned whole), then prints the read model's digest. Exit code"
            + " 1 if the projection fails and stops at an event (see status and dead-letters)."})
final class FollowCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Option(names = "--source", paramLabel = "JDBC_URL",
      description = "The JDBC event store holding the workload's events (written by append):"
          + " jdbc:postgresql://host/db?user=u, jdbc:mariadb://..., jdbc:h2:file:./data/events."
          + " Or --kafka.")
  @Nullable String sourceUrl;

  @Option(names = {"-S", "--source-property"}, paramLabel = "KEY=VALUE",
      description = "An event store option for --source, repeatable, for example -S table-prefix=app_.")
  Map<String, String> sourceProperties = new LinkedHashMap<>();

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--until", paramLabel = "POSITION",
      description = "Stop once the checkpoint reaches this position. With --kafka: once every"
          + " partition's stored checkpoint reached the end offset the workload of this many events"
          + " (append --events) gives it, whichever process applied it. Default: run until stopped.")
  long until;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B",
      description = "Events per page and batch (one commit each), 1 to 100000."
          + " Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--partitions", defaultValue = "1", paramLabel = "P",
      description = "Split the projection into P partitions by order id, shared among the nodes that"
          + " follow the same store by leases in it. Changing P needs a rebuild. Default: 1.")
  int partitions;

  @Option(names = "--node", paramLabel = "NAME",
      description = "This node's name among the nodes following the same projection. With a name,"
          + " one node processes each partition at a time and the others stand by. Default: host and"
          + " process id when partitioned, else no leases.")
  @Nullable String node;

  @Option(names = "--lease-seconds", defaultValue = "10", paramLabel = "S",
      description = "How long a node's lease on a partition lasts unless renewed; a dead node's"
          + " partitions pass to the others after about this long. Default: ${DEFAULT-VALUE}")
  int leaseSeconds;

  @Option(names = "--dead-letter-after", paramLabel = "N",
      description = "Dead-letter an event after N failed attempts (with backoff) and go on; later"
          + " events of its stream are parked behind it. Default: stop at the event after 3 attempts.")
  @Nullable Integer deadLetterAfter;

  @Option(names = "--count-applied", hidden = true,
      description = "For tests: also keep the read model applied_events, counting the events applied"
          + " to each order, to check that each is applied exactly once.")
  boolean countApplied;

  @Option(names = "--fail-stream", paramLabel = "STREAM", hidden = true,
      description = "Fault injection for demonstrations and tests: the handlers throw for every event"
          + " of this stream (an order id such as order-7).")
  @Nullable String failStream;

  @Option(names = "--version", paramLabel = "V", defaultValue = "1",
      description = "The projection version this node runs. A version the store does not know is"
          + " built as a new generation beside the live one, which keeps serving queries, and cut"
          + " over once caught up (a rebuild without downtime); a retired one is refused."
          + " Default: ${DEFAULT-VALUE}")
  String version;

  @Option(names = "--hold-at-position", paramLabel = "P", hidden = true,
      description = "Fault injection for tests: while building a new generation, the handlers print"
          + " 'holding at position P' at the event at P and block until the JVM is killed.")
  @Nullable Long holdAtPosition;

  private enum Outcome { REACHED, SIGNALLED, FAILED }

  /** Why the projection failed, as its status said when it did. */
  private @Nullable String failure;

  @Override
  public Integer call() throws InterruptedException {
    store.requireWorkloadProjection(spec.commandLine());
    if (batchSize < 1 || batchSize > 100_000) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--batch-size must be 1 to 100000 but was " + batchSize);
    }
    if (countApplied && !"1".equals(version)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--count-applied runs version 1 only, not --version " + version);
    }
    if (until < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--until must not be negative but was " + until);
    }
    if (partitions < 1 || partitions > 1024) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--partitions must be 1 to 1024 but was " + partitions);
    }
    if (leaseSeconds < 1 || leaseSeconds > 600) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--lease-seconds must be 1 to 600 but was " + leaseSeconds);
    }
    if (deadLetterAfter != null && deadLetterAfter < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--dead-letter-after must be at least 1 but was " + deadLetterAfter);
    }
    kafka.check(spec.commandLine(), sourceUrl, sourceProperties, false);
    if (kafka.given()) {
      for (String leasesOnly : List.of("--partitions", "--node", "--lease-seconds")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(leasesOnly)) {
          throw new CommandLine.ParameterException(spec.commandLine(), leasesOnly + " applies to"
              + " --source; with --kafka the partitions are the topic's and the consumer group"
              + " shares them among the processes");
        }
      }
      if (until > 0 && until % StandardWorkload.EVENTS_PER_ORDER != 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--until with --kafka is the"
            + " workload's event count, a positive multiple of 5, but was " + until);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopRequested.countDown();
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "follow-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    FailurePolicy policy = deadLetterAfter == null ? FailurePolicy.retry(3)
        : FailurePolicy.retry(deadLetterAfter).thenDeadLetter();
    try (ProjectionStore projectionStore = store.open()) {
      return kafka.given() ? followKafka(projectionStore, policy, stopRequested, out)
          : followJdbc(projectionStore, policy, stopRequested, out);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waited for this block and lets the JVM exit now
      }
    }
  }

  private int followJdbc(ProjectionStore projectionStore, FailurePolicy policy,
      CountDownLatch stopRequested, PrintWriter out) throws InterruptedException {
    try (JdbcEventStore events =
        WorkloadEventStore.open(Objects.requireNonNull(sourceUrl), sourceProperties)) {
      ProjectionEngine engine = engine(projectionStore, policy, partitions);
      out.println("source       " + events.description());
      out.println("store        " + projectionStore.description());
      out.printf(Locale.ROOT, "following    %s%s%n", engine.projectionId(),
          until > 0 ? String.format(Locale.ROOT, " until %,d", until) : " until stopped");
      out.flush();
      Outcome outcome;
      ProjectionStatus last;
      ProjectionRunner.Builder builder = ProjectionRunner.builder(events).projection(engine)
          .batchSize(batchSize).leaseTime(Duration.ofSeconds(leaseSeconds));
      if (node != null) {
        try {
          builder.node(node);
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
      }
      try (ProjectionRunner runner = builder.build()) {
        runner.start();
        outcome = follow(runner, engine.projectionId(), node != null || partitions > 1,
            stopRequested, out);
        runner.stop();
        last = runner.status(engine.projectionId());
      }
      out.println(statusLine(last));
      out.printf(Locale.ROOT, "stopped      at checkpoint %,d: %s%n",
          last.position(), switch (outcome) {
            case REACHED -> "reached --until " + until;
            case SIGNALLED -> "stop requested";
            case FAILED -> "the projection failed";
          });
      out.println("digest       "
          + ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL)));
      out.flush();
      if (outcome == Outcome.FAILED) {
        spec.commandLine().getErr().println("error: projection " + engine.projectionId()
            + " failed after checkpoint " + last.position() + ": " + failure
            + "; inspect it with status and dead-letters, or follow with --dead-letter-after");
        return 1;
      }
      return 0;
    }
  }

  private int followKafka(ProjectionStore projectionStore, FailurePolicy policy,
      CountDownLatch stopRequested, PrintWriter out) throws InterruptedException {
    int topicPartitions;
    try {
      topicPartitions = WorkloadTopic.partitionCount(kafka.bootstrapServers(), kafka.topic());
    } catch (WorkloadTopicException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    ProjectionEngine engine = engine(projectionStore, policy, topicPartitions);
    KafkaProjectionSource source =
        KafkaSourceFactory.source(spec.commandLine(), engine, kafka, batchSize);
    out.println("source       Kafka " + kafka.bootstrapServers() + ", topic " + kafka.topic() + ", "
        + topicPartitions + " partitions, consumer group "
        + (kafka.consumerGroup != null ? kafka.consumerGroup : engine.projectionId()));
    out.println("store        " + projectionStore.description());
    out.printf(Locale.ROOT, "following    %s%s%n", engine.projectionId(), until > 0
        ? String.format(Locale.ROOT, " until the workload of %,d events is applied", until)
        : " until stopped");
    out.flush();
    WorkloadLayout layout = until > 0
        ? WorkloadLayout.of(StandardWorkload.of((int) until), topicPartitions) : null;
    KafkaFollow.Outcome outcome =
        new KafkaFollow(projectionStore, engine, source, layout, out).run(stopRequested);
    if (outcome == KafkaFollow.Outcome.FAILED) {
      spec.commandLine().getErr().println("error: projection " + engine.projectionId() + " failed: "
          + KafkaFollow.failure(source.status()) + "; inspect it with status and dead-letters, or"
          + " follow with --dead-letter-after");
      return 1;
    }
    return 0;
  }

  private ProjectionEngine engine(ProjectionStore projectionStore, FailurePolicy policy,
      int enginePartitions) {
    ProjectionEngine engine =
        countApplied
            ? WorkloadProjection.countingEngine(projectionStore, batchSize, policy, enginePartitions)
            : WorkloadProjection.engine(projectionStore, batchSize, policy, enginePartitions,
                version);
    if (holdAtPosition != null) {
      holdAt(engine, holdAtPosition);
    }
    if (failStream != null) {
      String failing = failStream;
      engine.on(WorkloadEvent.class, (WorkloadEvent event, HandlerContext context) -> {
        if (failing.equals(event.orderId())) {
          throw new IllegalStateException("injected fault (--fail-stream) for stream " + failing);
        }
      });
    }
    return engine;
  }

  private void holdAt(ProjectionEngine engine, long position) {
    PrintWriter out = spec.commandLine().getOut();
    engine.on(WorkloadEvent.class, (WorkloadEvent event, HandlerContext context) -> {
      if (context.isRebuilding() && context.envelope().position() == position) {
        out.println("holding      at position " + position);
        out.flush();
        new CountDownLatch(1).await();
      }
    });
  }

  private Outcome follow(ProjectionRunner runner, String projectionId, boolean leased,
      CountDownLatch stopRequested, PrintWriter out) throws InterruptedException {
    long nextLine = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    List<Integer> owned = List.of();
    while (true) {
      if (leased) {
        List<Integer> now = runner.partitions(projectionId).stream()
            .filter(PartitionStatus::ownedHere).map(PartitionStatus::partition).toList();
        if (!now.equals(owned)) {
          owned = now;
          out.println("partitions   this node owns " + now + " of " + partitions);
          out.flush();
        }
      }
      ProjectionStatus status = runner.status(projectionId);
      boolean reached = until > 0 && status.position() >= until;
      if (!reached && System.nanoTime() - nextLine >= 0) {
        out.println(statusLine(status));
        out.flush();
        nextLine += TimeUnit.SECONDS.toNanos(1);
      }
      if (reached) {
        return Outcome.REACHED;
      }
      if (status.state() == ProjectionStatus.RunState.FAILED) {
        failure = status.lastError();
        return Outcome.FAILED;
      }
      if (stopRequested.await(50, TimeUnit.MILLISECONDS)) {
        return Outcome.SIGNALLED;
      }
    }
  }

  static String statusLine(ProjectionStatus status) {
    return String.format(Locale.ROOT, "status       position %,d  head %,d  lag %,d events %.3f s"
            + "  %s  %,.0f events/s  dead letters %,d", status.position(), status.headPosition(),
        status.lagEvents(), status.lagTime().toNanos() / 1e9, status.state(),
        status.eventsPerSecond(), status.deadLetters());
  }
}
