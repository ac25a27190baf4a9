package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.MetricNames;
import org.jspecify.annotations.Nullable;

/**
 * The counter {@value MetricNames#PARTITION_REBALANCES} of one projection on this node, by kind: a
 * partition taken ({@value MetricNames#REBALANCE_ACQUIRED}), given up for another node or at stop
 * ({@value MetricNames#REBALANCE_RELEASED}), or found taken by another node
 * ({@value MetricNames#REBALANCE_LOST}). Records nothing without a registry. Thread-safe.
 */
final class RebalanceCounters {

  private final @Nullable Counter acquired;
  private final @Nullable Counter released;
  private final @Nullable Counter lost;

  RebalanceCounters(String projectionId, @Nullable MeterRegistry registry) {
    this.acquired = counter(projectionId, MetricNames.REBALANCE_ACQUIRED, registry);
    this.released = counter(projectionId, MetricNames.REBALANCE_RELEASED, registry);
    this.lost = counter(projectionId, MetricNames.REBALANCE_LOST, registry);
  }

  private static @Nullable Counter counter(String projectionId, String kind,
      @Nullable MeterRegistry registry) {
    return registry == null ? null : Counter.builder(MetricNames.PARTITION_REBALANCES)
        .tag(MetricNames.TAG_PROJECTION, projectionId)
        .tag(MetricNames.TAG_KIND, kind)
        .description("partitions this node took, gave up or lost to another node")
        .register(registry);
  }

  void acquired() {
    increment(acquired);
  }

  void released() {
    increment(released);
  }

  void lost() {
    increment(lost);
  }

  private static void increment(@Nullable Counter counter) {
    if (counter != null) {
      counter.increment();
    }
  }
}
