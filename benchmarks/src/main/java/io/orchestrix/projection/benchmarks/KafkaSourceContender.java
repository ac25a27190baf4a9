package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.examples.kafka.WorkloadLayout;
import io.orchestrix.projection.examples.kafka.WorkloadRecords;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.kafka.KafkaPartitionStatus;
import io.orchestrix.projection.kafka.KafkaProjectionSource;
import io.orchestrix.projection.kafka.KafkaSourceStatus;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.time.Duration;
import java.util.Map;

/**
 * The workload's projection on a store opened by URI, fed from the workload's topic by a
 * {@link KafkaProjectionSource} (one engine partition per topic partition), as {@code bench --kafka}
 * runs it. Each reset builds a new engine, as a restarted process would, and resets the projection
 * (documents and every partition's checkpoint); each run starts a new source, timed from its start to
 * the moment every partition's checkpoint reached its end offset. Not thread-safe.
 */
final class KafkaSourceContender implements AutoCloseable {

  private final String name;
  private final ProjectionStore store;
  private final String bootstrapServers;
  private final String topic;
  private final WorkloadLayout layout;
  private final int batchSize;
  private ProjectionEngine engine;

  KafkaSourceContender(String name, String uri, Map<String, String> properties,
      String bootstrapServers, String topic, WorkloadLayout layout, int batchSize) {
    this.name = name;
    this.store = ProjectionStoreProviders.open(uri, properties);
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.layout = layout;
    this.batchSize = batchSize;
    this.engine = newEngine();
  }

  String name() {
    return name;
  }

  String description() {
    return store.description();
  }

  private ProjectionEngine newEngine() {
    return WorkloadProjection.engine(store, batchSize, FailurePolicy.stop(), layout.partitions());
  }

  /** A new engine, and the projection reset: no document, every checkpoint at 0. Not timed. */
  void reset() {
    engine = newEngine();
    engine.operations().reset();
  }

  /**
   * Runs a source until every partition is applied.
   *
   * @return nanoseconds from the source's start to the last partition's end
   * @throws IllegalStateException if the source fails or makes no progress for 60 s
   */
  long run() throws InterruptedException {
    KafkaProjectionSource source = KafkaProjectionSource.builder(engine)
        .bootstrapServers(bootstrapServers).topics(topic)
        .recordMapping(WorkloadRecords.mapping()).payloadDecoder(WorkloadRecords.decoder())
        .batchSize(batchSize)
        .build();
    long started = System.nanoTime();
    source.start();
    try {
      for (int p = 0; p < layout.partitions(); p++) {
        long waitedSince = System.nanoTime();
        long before = -1;
        while (layout.endOffset(p) > 0
            && !source.awaitPosition(topic, p, layout.endOffset(p) - 1, Duration.ofSeconds(1))) {
          KafkaSourceStatus status = source.status();
          if (status.state() == KafkaSourceStatus.State.FAILED
              || status.partitions().stream().anyMatch(KafkaPartitionStatus::stopped)) {
            throw new IllegalStateException(name + ": the source failed: " + status);
          }
          long at = status.partitions().get(p).nextOffset();
          if (at != before) {
            before = at;
            waitedSince = System.nanoTime();
          } else if (System.nanoTime() - waitedSince > Duration.ofSeconds(60).toNanos()) {
            throw new IllegalStateException(name + ": partition " + p + " made no progress for 60 s: "
                + status);
          }
        }
      }
      return System.nanoTime() - started;
    } finally {
      source.stop();
    }
  }

  ReadModelDigest digest() {
    return ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));
  }

  @Override
  public void close() {
    store.close();
  }
}
