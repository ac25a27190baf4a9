package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.RebuildProgress;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress meters of a generation being built: position, head, percent, events per second and
 * seconds left, tagged with the projection and the generation. Stateless; the gauges hold their owner
 * weakly, as Micrometer's gauges do.
 */
final class RebuildMeters {

  private static final Logger LOG = LoggerFactory.getLogger(RebuildMeters.class);

  private RebuildMeters() {}

  /**
   * Registers the meters of one generation, reading the progress from {@code owner}; a failure to
   * register is logged, and the build goes on.
   */
  static <T> void register(MeterRegistry registry, String projectionId, int generation, T owner,
      Function<T, @Nullable RebuildProgress> progress) {
    Tags tags = Tags.of(MetricNames.TAG_PROJECTION, projectionId, MetricNames.TAG_GENERATION,
        Integer.toString(generation));
    try {
      gauge(registry, MetricNames.REBUILD_POSITION, tags, owner, progress, p -> p.position());
      gauge(registry, MetricNames.REBUILD_HEAD, tags, owner, progress, p -> p.headPosition());
      gauge(registry, MetricNames.REBUILD_PERCENT, tags, owner, progress, RebuildProgress::percent);
      gauge(registry, MetricNames.REBUILD_RATE, tags, owner, progress,
          RebuildProgress::eventsPerSecond);
      gauge(registry, MetricNames.REBUILD_ETA_SECONDS, tags, owner, progress,
          p -> p.timeLeft().map(eta -> eta.toMillis() / 1000.0).orElse(-1.0));
    } catch (RuntimeException e) {
      LOG.warn("registering the rebuild meters failed; the rebuild goes on", e);
    }
  }

  private static <T> void gauge(MeterRegistry registry, String name, Tags tags, T owner,
      Function<T, @Nullable RebuildProgress> progress, ToDoubleFunction<RebuildProgress> figure) {
    Gauge.builder(name, owner, o -> {
      RebuildProgress current = progress.apply(o);
      return current == null ? 0 : figure.applyAsDouble(current);
    }).tags(tags).register(registry);
  }
}
