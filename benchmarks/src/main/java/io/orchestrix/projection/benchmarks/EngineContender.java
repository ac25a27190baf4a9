package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.List;
import java.util.Map;

/**
 * The engine with the workload's projection, on a store opened by URI, run exactly as the
 * {@code bench} command runs it. Each reset builds a new engine (as a restarted process would) and
 * resets the projection through it, which deletes its documents and checkpoint.
 */
final class EngineContender implements Contender {

  private final ProjectionStore store;
  private final int batchSize;
  private final boolean pipelined;
  private ProjectionEngine engine;

  /**
   * @param pipelined whether to feed the engine through {@code submit()} (the next batch's handlers
   *     run while the previous batch commits) instead of {@code processEvents()}
   */
  EngineContender(String uri, Map<String, String> properties, int batchSize, boolean pipelined) {
    this.store = ProjectionStoreProviders.open(uri, properties);
    this.batchSize = batchSize;
    this.pipelined = pipelined;
    this.engine = WorkloadProjection.engine(store, batchSize);
  }

  @Override
  public String name() {
    return pipelined ? "engine, pipelined" : "engine";
  }

  /** The store as it describes itself (its URI without password). */
  String description() {
    return store.description();
  }

  @Override
  public void reset() {
    engine = WorkloadProjection.engine(store, batchSize);
    engine.operations().reset();
  }

  @Override
  public WorkloadRunner.Result run(List<EventEnvelope<WorkloadEvent>> events, int batchSize) {
    return pipelined
        ? WorkloadRunner.runPipelined(engine, events, batchSize, checkpoint -> { })
        : WorkloadRunner.run(engine, events, batchSize, checkpoint -> { });
  }

  @Override
  public ReadModelDigest digest() {
    return ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));
  }

  @Override
  public void close() {
    store.close();
  }
}
