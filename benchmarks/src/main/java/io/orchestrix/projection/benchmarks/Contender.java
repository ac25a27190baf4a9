package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadRunner;
import java.util.List;

/**
 * One side of an end-to-end comparison: the engine on a store, or a hand-written loop on the same
 * server. Each run starts from an empty read model and checkpoint, which {@link #reset()} makes (not
 * timed), and is timed until its last commit returns. Not thread-safe.
 */
interface Contender extends AutoCloseable {

  /** A short name for the table, such as {@code engine} or {@code JDBC loop}. */
  String name();

  /** Empties the read model and the checkpoint; not timed. */
  void reset();

  /** Projects the events, {@code batchSize} per commit, and times it. */
  WorkloadRunner.Result run(List<EventEnvelope<WorkloadEvent>> events, int batchSize);

  /** The digest of the read model as stored now, to prove both sides built the same one. */
  ReadModelDigest digest();

  @Override
  void close();
}
