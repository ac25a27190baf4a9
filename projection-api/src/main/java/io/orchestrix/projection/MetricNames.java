package io.orchestrix.projection;

/**
 * The names of the Micrometer meters the engine records, in one place. Every meter is tagged with
 * {@link #TAG_PROJECTION}. Meters exist only when a {@code MeterRegistry} is given to the engine
 * builder.
 */
public final class MetricNames {

  /** Tag: the projection id. */
  public static final String TAG_PROJECTION = "projection";
  /** Tag on {@link #EVENTS}: {@code applied}, {@code skipped} or {@code dead_lettered}. */
  public static final String TAG_OUTCOME = "outcome";
  /**
   * Tag of a partitioned projection's meters: the partition's number. Meters of a projection that is
   * not split carry no such tag.
   */
  public static final String TAG_PARTITION = "partition";

  /** Counter: events seen by the engine, by outcome. */
  public static final String EVENTS = "projection.events";
  /** Counter: handler failures (each failed event once per attempt). */
  public static final String ERRORS = "projection.errors";
  /** Distribution summary: events per processed batch. */
  public static final String BATCH_SIZE = "projection.batch.size";
  /** Timer: one batch, from the first handler to the end of its commit. */
  public static final String BATCH_DURATION = "projection.batch.duration";
  /** Timer: time spent in handlers, per batch. */
  public static final String HANDLER_DURATION = "projection.handler.duration";
  /** Timer: the store's atomic commit of a batch. */
  public static final String COMMIT_DURATION = "projection.commit.duration";
  /** Gauge: the checkpoint (position of the last applied event). */
  public static final String CHECKPOINT = "projection.checkpoint";
  /** Gauge: 1 while the projection is healthy, 0 while it is stopped at a failed event. */
  public static final String HEALTHY = "projection.healthy";
  /** Counter: commits refused because another writer moved the checkpoint or owns the projection. */
  public static final String CONFLICTS = "projection.conflicts";

  /** Gauge (runner): positions between the checkpoint and the source's head. */
  public static final String LAG_EVENTS = "projection.lag.events";
  /** Gauge (runner): age in seconds of the last applied event while behind; 0 when caught up. */
  public static final String LAG_SECONDS = "projection.lag.seconds";
  /** Counter (runner): retries after a handler failure or a store outage. */
  public static final String RETRIES = "projection.retries";
  /** Gauge (runner): dead letters of the projection, failed and parked. */
  public static final String DEAD_LETTERS = "projection.dead.letters";
  /** Gauge (runner): age in seconds of the oldest dead letter, 0 if none. */
  public static final String DEAD_LETTERS_OLDEST_SECONDS = "projection.dead.letters.oldest.seconds";

  /** Outcome tag value: the event's handlers ran and the effect was committed. */
  public static final String OUTCOME_APPLIED = "applied";
  /** Outcome tag value: the event was at or below the checkpoint. */
  public static final String OUTCOME_SKIPPED = "skipped";
  /** Outcome tag value: the event failed and was dead-lettered. */
  public static final String OUTCOME_DEAD_LETTERED = "dead_lettered";

  private MetricNames() {}
}
