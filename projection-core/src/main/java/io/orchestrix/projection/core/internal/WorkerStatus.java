package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.MetricNames;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one runner thread knows of its projection, for status, health and meters: written by the
 * thread, read from anywhere without touching the store, so reading it never fails. During an outage
 * it keeps the last known figures and says since when the store is out.
 */
final class WorkerStatus {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerStatus.class);

  private final String projectionId;
  private final Clock clock;
  private final @Nullable Counter retries;
  private volatile RunState state = RunState.STOPPED;
  private volatile @Nullable ProjectionState known;
  private volatile @Nullable String lastError;
  private volatile @Nullable Instant outageSince;
  private volatile long headPosition;
  private volatile double eventsPerSecond;
  private volatile Duration lagTime = Duration.ZERO;
  private volatile long deadLetterCount;
  private volatile double oldestDeadLetterSeconds;

  /**
   * @param partition the partition whose status this is (its meters tagged with it), or
   *     {@link io.orchestrix.projection.spi.Commit#UNPARTITIONED}
   */
  WorkerStatus(String projectionId, int partition, Clock clock, @Nullable MeterRegistry registry) {
    this.projectionId = projectionId;
    this.clock = clock;
    if (registry == null) {
      retries = null;
      return;
    }
    Tags tags = Tags.of(MetricNames.TAG_PROJECTION, projectionId);
    if (partition >= 0) {
      tags = tags.and(MetricNames.TAG_PARTITION, Integer.toString(partition));
    }
    retries = Counter.builder(MetricNames.RETRIES).tags(tags)
        .description("retries after handler failures and store outages").register(registry);
    Gauge.builder(MetricNames.LAG_EVENTS, this, WorkerStatus::lagEvents)
        .tags(tags).description("positions behind the source's head").register(registry);
    Gauge.builder(MetricNames.LAG_SECONDS, this, status -> status.lagTime.toMillis() / 1000.0)
        .tags(tags).description("age of the last applied event while behind").register(registry);
    Gauge.builder(MetricNames.DEAD_LETTERS, this, status -> status.deadLetterCount)
        .tags(tags).description("dead letters, failed and parked").register(registry);
    Gauge.builder(MetricNames.DEAD_LETTERS_OLDEST_SECONDS, this, s -> s.oldestDeadLetterSeconds)
        .tags(tags).description("age of the oldest dead letter").register(registry);
  }

  ProjectionStatus snapshot() {
    ProjectionState current = known;
    long checkpoint = current == null ? 0 : current.lastProcessedPosition();
    long head = Math.max(headPosition, checkpoint);
    Instant outage = outageSince;
    return new ProjectionStatus(projectionId, state, checkpoint, head, head - checkpoint,
        head > checkpoint ? lagTime : Duration.ZERO, current == null || current.healthy(),
        lastError, eventsPerSecond, deadLetterCount, outage != null, outage);
  }

  private double lagEvents() {
    ProjectionState current = known;
    return Math.max(0, headPosition - (current == null ? 0 : current.lastProcessedPosition()));
  }

  RunState state() {
    return state;
  }

  void state(RunState newState) {
    state = newState;
  }

  /** The checkpoint as last known, 0 before the projection was first claimed. */
  long position() {
    ProjectionState current = known;
    return current == null ? 0 : current.lastProcessedPosition();
  }

  /** The projection's state as the store last confirmed it. */
  void known(ProjectionState state) {
    known = state;
  }

  /** Processing works again: a batch committed, or the source was read with nothing left to do. */
  void recovered() {
    outageSince = null;
  }

  void head(long position) {
    headPosition = Math.max(headPosition, position);
  }

  void progress(int events, long nanos, Instant lastEventAt) {
    eventsPerSecond = events * 1e9 / Math.max(1, nanos);
    lagTime = Duration.between(lastEventAt, clock.instant());
  }

  void caughtUp() {
    lagTime = Duration.ZERO;
  }

  void error(String message) {
    lastError = message;
  }

  /** An outage goes on: the figures become stale, from now if it just began. */
  void outage(String message) {
    lastError = message;
    if (outageSince == null) {
      outageSince = clock.instant();
    }
  }

  void retried() {
    if (retries != null) {
      try {
        retries.increment();
      } catch (RuntimeException e) {
        LOG.warn("recording a metric failed; processing goes on", e);
      }
    }
  }

  void deadLetters(List<DeadLetter> letters) {
    Instant now = clock.instant();
    deadLetterCount = letters.size();
    oldestDeadLetterSeconds = letters.stream().map(DeadLetter::firstFailureAt)
        .min(Instant::compareTo).map(first -> Duration.between(first, now).toMillis() / 1000.0)
        .orElse(0.0);
  }
}
