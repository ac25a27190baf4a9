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

  /** Tag of the rebuild meters: the number of the generation being built. */
  public static final String TAG_GENERATION = "generation";

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
  /**
   * Counter (runner, projections run by leases): partitions this node took, gave up or lost, by
   * {@link #TAG_KIND}: {@link #REBALANCE_ACQUIRED}, {@link #REBALANCE_RELEASED} or
   * {@link #REBALANCE_LOST}.
   */
  public static final String PARTITION_REBALANCES = "projection.partitions.rebalances";
  /** Tag on {@link #PARTITION_REBALANCES}: what happened to the partition. */
  public static final String TAG_KIND = "kind";
  /** Kind tag value: this node took a free or expired partition. */
  public static final String REBALANCE_ACQUIRED = "acquired";
  /**
   * Kind tag value: this node gave a partition up, after its batch in flight: above its fair share,
   * at stop, or because the runner's executor rejected the partition's worker.
   */
  public static final String REBALANCE_RELEASED = "released";
  /** Kind tag value: this node found its lease on a partition taken by another node. */
  public static final String REBALANCE_LOST = "lost";

  /**
   * Gauge (runner): the lowest checkpoint of a generation being built beside the live one. The
   * rebuild's meters carry the projection's id and {@link #TAG_GENERATION}; the generation's own
   * engine and lag meters are tagged with its key ({@code <projection>#g<n>}), so the live
   * generation's lag is never that of the rebuild.
   */
  public static final String REBUILD_POSITION = "projection.rebuild.position";
  /** Gauge (runner): the source's head as the rebuild last read it. */
  public static final String REBUILD_HEAD = "projection.rebuild.head";
  /** Gauge (runner): the rebuild's position over the head, 0 to 100. */
  public static final String REBUILD_PERCENT = "projection.rebuild.percent";
  /** Gauge (runner): events per second the rebuild applies on this node. */
  public static final String REBUILD_RATE = "projection.rebuild.rate";
  /** Gauge (runner): seconds left at that rate; -1 while unknown. */
  public static final String REBUILD_ETA_SECONDS = "projection.rebuild.eta.seconds";

  /** Outcome tag value: the event's handlers ran and the effect was committed. */
  public static final String OUTCOME_APPLIED = "applied";
  /** Outcome tag value: the event was at or below the checkpoint. */
  public static final String OUTCOME_SKIPPED = "skipped";
  /** Outcome tag value: the event failed and was dead-lettered. */
  public static final String OUTCOME_DEAD_LETTERED = "dead_lettered";

  private MetricNames() {}
}
