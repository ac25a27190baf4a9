package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.orchestrix.projection.MetricNames;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine records. Without a registry every call does nothing. A meter that throws never
 * breaks processing: the exception is logged and swallowed here, the one place that may do so.
 */
final class EngineMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(EngineMetrics.class);

  private final @Nullable Meters meters;
  private final AtomicLong checkpoint = new AtomicLong();
  private final AtomicLong healthy = new AtomicLong(1);

  /**
   * @param partition the partition whose meters these are (tagged with it), or
   *     {@link io.orchestrix.projection.spi.Commit#UNPARTITIONED} for a projection that is not split
   */
  EngineMetrics(@Nullable MeterRegistry registry, String projectionId, int partition) {
    Tags tags = Tags.of(MetricNames.TAG_PROJECTION, projectionId);
    if (partition >= 0) {
      tags = tags.and(MetricNames.TAG_PARTITION, Integer.toString(partition));
    }
    this.meters = registry == null ? null : new Meters(registry, tags, checkpoint, healthy);
  }

  void batch(int applied, int skipped, int deadLettered, long handlerNanos, long commitNanos,
      long totalNanos) {
    if (meters == null) {
      return;
    }
    try {
      if (applied > 0) {
        meters.applied.increment(applied);
      }
      if (skipped > 0) {
        meters.skipped.increment(skipped);
      }
      if (deadLettered > 0) {
        meters.deadLettered.increment(deadLettered);
      }
      meters.batchSize.record(applied + skipped + deadLettered);
      meters.handlerTime.record(handlerNanos, TimeUnit.NANOSECONDS);
      if (commitNanos > 0) {
        meters.commitTime.record(commitNanos, TimeUnit.NANOSECONDS);
      }
      meters.batchTime.record(totalNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      LOG.warn("recording projection metrics failed; processing goes on", e);
    }
  }

  void error() {
    if (meters != null) {
      try {
        meters.errors.increment();
      } catch (RuntimeException e) {
        LOG.warn("recording projection metrics failed; processing goes on", e);
      }
    }
  }

  void conflict() {
    if (meters != null) {
      try {
        meters.conflicts.increment();
      } catch (RuntimeException e) {
        LOG.warn("recording projection metrics failed; processing goes on", e);
      }
    }
  }

  void state(long position, boolean isHealthy) {
    checkpoint.set(position);
    healthy.set(isHealthy ? 1 : 0);
  }

  private static final class Meters {
    final Counter applied;
    final Counter skipped;
    final Counter deadLettered;
    final Counter errors;
    final Counter conflicts;
    final DistributionSummary batchSize;
    final Timer handlerTime;
    final Timer commitTime;
    final Timer batchTime;

    Meters(MeterRegistry registry, Tags tags, AtomicLong checkpoint, AtomicLong healthy) {
      applied = events(registry, tags, MetricNames.OUTCOME_APPLIED);
      skipped = events(registry, tags, MetricNames.OUTCOME_SKIPPED);
      deadLettered = events(registry, tags, MetricNames.OUTCOME_DEAD_LETTERED);
      errors = Counter.builder(MetricNames.ERRORS).tags(tags)
          .description("handler failures").register(registry);
      conflicts = Counter.builder(MetricNames.CONFLICTS).tags(tags)
          .description("commits refused because another writer got there first").register(registry);
      batchSize = DistributionSummary.builder(MetricNames.BATCH_SIZE).tags(tags)
          .baseUnit("events").description("events per batch").register(registry);
      handlerTime = Timer.builder(MetricNames.HANDLER_DURATION).tags(tags)
          .description("time in handlers per batch").register(registry);
      commitTime = Timer.builder(MetricNames.COMMIT_DURATION).tags(tags)
          .description("atomic commit of a batch").register(registry);
      batchTime = Timer.builder(MetricNames.BATCH_DURATION).tags(tags)
          .description("one batch, handlers and commit").register(registry);
      Gauge.builder(MetricNames.CHECKPOINT, checkpoint, AtomicLong::get).tags(tags)
          .description("position of the last applied event").register(registry);
      Gauge.builder(MetricNames.HEALTHY, healthy, AtomicLong::get).tags(tags)
          .description("1 while healthy, 0 while stopped at a failed event").register(registry);
    }

    private static Counter events(MeterRegistry registry, Tags tags, String outcome) {
      return Counter.builder(MetricNames.EVENTS).tags(tags).tag(MetricNames.TAG_OUTCOME, outcome)
          .baseUnit("events").description("events seen by the projection").register(registry);
    }
  }
}
