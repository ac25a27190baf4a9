package io.orchestrix.projection.spring;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.FailurePolicy;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code orchestrix.projections.*} properties, bound and checked once at start-up: a bad value
 * fails the start with an {@link InvalidPropertyException} naming the property and the value.
 * Immutable and thread-safe.
 *
 * @param enabled whether the starter configures projections at all
 * @param autoStart whether the runner starts with the application context; when false an operator
 *     starts nothing and the projections stay STOPPED
 * @param store where checkpoints and read models are stored
 * @param source where the events come from
 * @param batchSize events per page read from the source, each processed as one batch (1 to 100000)
 * @param maxLatency the longest a caught-up projection waits before it looks at the source again
 *     (sources that notify appends wake it at once); bounds the lag in steady state
 * @param handlerTimeout how long an asynchronous handler may take before the event fails
 * @param startupLimit how long a projection waits for its store at start-up before it fails; unset
 *     means it waits for ever, reported WAITING_FOR_STORE
 * @param shutdownTimeout how long the shutdown waits for the batches in flight to commit before it
 *     interrupts them (an interrupted batch commits nothing)
 * @param readYourWritesTimeout how long {@link ReadYourWrites} waits by default for a projection to
 *     reach a position
 * @param failure what a projection does when a handler fails on an event
 * @param partitions partitions of each projection, processed in parallel and shared out among the
 *     nodes by leases in the store (1 to 1024); part of the stored data, so changing it needs a rebuild
 * @param nodeName this node's name among the nodes running the same projections on the same store;
 *     set, every projection is run by leases (one partition: active/standby); unset with one
 *     partition, the node runs its projections alone
 * @param leaseTime how long a node's lease on a partition lasts unless renewed (1 second to 10
 *     minutes); a dead node's partitions pass to another within about this time
 * @param generations how a projection whose version changed is rebuilt without downtime
 */
@ConfigurationProperties(prefix = ProjectionsProperties.PREFIX)
public record ProjectionsProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("true") boolean autoStart,
    @DefaultValue Store store,
    @DefaultValue Source source,
    @DefaultValue("1000") int batchSize,
    @DefaultValue("200ms") Duration maxLatency,
    @DefaultValue("30s") Duration handlerTimeout,
    @Nullable Duration startupLimit,
    @DefaultValue("30s") Duration shutdownTimeout,
    @DefaultValue("5s") Duration readYourWritesTimeout,
    @DefaultValue Failure failure,
    @DefaultValue("1") int partitions,
    @Nullable String nodeName,
    @DefaultValue("10s") Duration leaseTime,
    @DefaultValue Generations generations) {

  /** The prefix of every property. */
  public static final String PREFIX = "orchestrix.projections";

  /**
   * Checks every value, as Spring Boot binds the properties (the units and ranges are the record
   * components').
   *
   * @param enabled whether the starter configures projections at all
   * @param autoStart whether the runner starts with the application context
   * @param store where checkpoints and read models are stored; not null
   * @param source where the events come from; not null
   * @param batchSize events per page and batch, 1 to 100000
   * @param maxLatency the longest idle wait; positive, at most 10 minutes
   * @param handlerTimeout how long an asynchronous handler may take; positive
   * @param startupLimit how long start-up waits for the store; positive, or null to wait for ever
   * @param shutdownTimeout how long the shutdown waits for the batches in flight; positive
   * @param readYourWritesTimeout the default wait of {@link ReadYourWrites}; positive
   * @param failure what a projection does when a handler fails; not null
   * @param partitions partitions of each projection, 1 to
   *     {@link io.orchestrix.projection.core.ProjectionEngineBuilder#MAX_PARTITIONS}
   * @param nodeName this node's name (1 to 120 letters, digits, '-', '_', '.', '#' and ':'), or null
   * @param leaseTime how long a lease lasts unless renewed; 1 second to 10 minutes
   * @param generations how a projection whose version changed is rebuilt; not null
   * @throws InvalidPropertyException naming the first property whose value is out of range
   */
  public ProjectionsProperties {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new InvalidPropertyException("batch-size", batchSize, "must be 1 to 100000");
    }
    requirePositive("max-latency", maxLatency);
    if (maxLatency.toMinutes() > 10) {
      throw new InvalidPropertyException("max-latency", maxLatency, "must be at most 10 minutes");
    }
    requirePositive("handler-timeout", handlerTimeout);
    if (startupLimit != null) {
      requirePositive("startup-limit", startupLimit);
    }
    requirePositive("shutdown-timeout", shutdownTimeout);
    requirePositive("read-your-writes-timeout", readYourWritesTimeout);
    if (partitions < 1 || partitions > io.orchestrix.projection.core.ProjectionEngineBuilder.MAX_PARTITIONS) {
      throw new InvalidPropertyException("partitions", partitions,
          "must be 1 to " + io.orchestrix.projection.core.ProjectionEngineBuilder.MAX_PARTITIONS);
    }
    if (nodeName != null && !nodeName.matches("[A-Za-z0-9_.#:-]{1,120}")) {
      throw new InvalidPropertyException("node-name", nodeName,
          "must be 1 to 120 letters, digits, '-', '_', '.', '#' and ':'");
    }
    if (leaseTime.compareTo(Duration.ofSeconds(1)) < 0 || leaseTime.toMinutes() > 10) {
      throw new InvalidPropertyException("lease-time", leaseTime, "must be 1 second to 10 minutes");
    }
  }

  /**
   * Whether projections are shared out among nodes by leases.
   *
   * @return true if projections are partitioned or this node was given a name
   */
  public boolean runByLeases() {
    return partitions > 1 || nodeName != null;
  }

  private static void requirePositive(String property, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new InvalidPropertyException(property, value, "must be positive");
    }
  }

  /**
   * Where projections keep their checkpoints and read models.
   *
   * @param uri a store URI ({@code memory:}, {@code jdbc:postgresql://...}, {@code redis://...},
   *     {@code mongodb://...}); unset means the application's DataSource (with store-jdbc), Jedis
   *     client (with store-redis) or MongoClient (with store-mongo), in that order, else {@code memory:}
   * @param properties the store's own properties (for example {@code table-prefix}), checked by the
   *     store; unknown ones are refused by name
   */
  public record Store(@Nullable String uri, @DefaultValue Map<String, String> properties) {
    /**
     * Checks the URI and copies the properties.
     *
     * @param uri a store URI, or null for the application's own client
     * @param properties the store's own properties; not null (empty when none are set)
     * @throws InvalidPropertyException if the URI is blank
     */
    public Store {
      if (uri != null && uri.isBlank()) {
        throw new InvalidPropertyException("store.uri", uri, "must not be blank; leave it unset");
      }
      properties = Map.copyOf(properties);
    }
  }

  /**
   * Where the events come from, unless the application defines an
   * {@link io.orchestrix.projection.EventSource} bean.
   *
   * @param uri {@code memory:} for an in-memory event log, or a JDBC URL of an event store
   *     (event-store-jdbc); unset means the application's DataSource (with event-store-jdbc), else
   *     an in-memory event log
   * @param properties the event store's own properties (for example {@code table-prefix})
   */
  public record Source(@Nullable String uri, @DefaultValue Map<String, String> properties) {
    /**
     * Checks the URI and copies the properties.
     *
     * @param uri {@code memory:} or a JDBC URL, or null for the application's DataSource
     * @param properties the event store's own properties; not null (empty when none are set)
     * @throws InvalidPropertyException if the URI is blank or of an unknown kind
     */
    public Source {
      if (uri != null && !uri.equals("memory:") && !uri.startsWith("jdbc:")) {
        throw new InvalidPropertyException("source.uri", uri,
            "must be 'memory:' or a JDBC URL ('jdbc:...'), or unset");
      }
      properties = Map.copyOf(properties);
    }
  }

  /**
   * What a projection does when a handler fails on an event ({@link FailurePolicy}).
   *
   * @param policy stop at the event, dead-letter it, or retry it then stop or dead-letter
   * @param maxAttempts attempts in all for the retrying policies (at least 2; 1 for the others)
   * @param backoffInitial the wait after the first failed attempt of a retrying policy
   * @param backoffMax the longest wait between attempts of a retrying policy
   */
  public record Failure(
      @DefaultValue("stop") FailureAction policy,
      @DefaultValue("1") int maxAttempts,
      @DefaultValue("100ms") Duration backoffInitial,
      @DefaultValue("5s") Duration backoffMax) {

    /**
     * Checks that the attempts and waits fit the policy.
     *
     * @param policy what to do with a failed event; not null
     * @param maxAttempts attempts in all: at least 2 for a retrying policy, exactly 1 for the others
     * @param backoffInitial the first wait; not negative
     * @param backoffMax the longest wait; at least {@code backoffInitial}
     * @throws InvalidPropertyException naming the property that does not fit the policy
     */
    public Failure {
      boolean retrying = policy == FailureAction.RETRY_THEN_STOP
          || policy == FailureAction.RETRY_THEN_DEAD_LETTER;
      if (retrying && maxAttempts < 2) {
        throw new InvalidPropertyException("failure.max-attempts", maxAttempts,
            "must be at least 2 with failure.policy=" + policy.propertyValue());
      }
      if (!retrying && maxAttempts != 1) {
        throw new InvalidPropertyException("failure.max-attempts", maxAttempts,
            "applies only to failure.policy=retry-then-stop or retry-then-dead-letter, not "
                + policy.propertyValue());
      }
      if (backoffInitial.isNegative() || backoffMax.compareTo(backoffInitial) < 0) {
        throw new InvalidPropertyException("failure.backoff-max", backoffMax,
            "must be at least failure.backoff-initial (" + backoffInitial + "), which must not be negative");
      }
    }

    /**
     * The engine's failure policy these properties describe.
     *
     * @return a new policy; the retrying ones with a {@link Backoff} from {@code backoffInitial} up to
     *     {@code backoffMax}
     */
    public FailurePolicy toPolicy() {
      return switch (policy) {
        case STOP -> FailurePolicy.stop();
        case DEAD_LETTER -> FailurePolicy.deadLetter();
        case RETRY_THEN_STOP -> FailurePolicy.retry(maxAttempts)
            .withBackoff(Backoff.of(backoffInitial, backoffMax)).thenStop();
        case RETRY_THEN_DEAD_LETTER -> FailurePolicy.retry(maxAttempts)
            .withBackoff(Backoff.of(backoffInitial, backoffMax)).thenDeadLetter();
      };
    }
  }

  /**
   * How a projection is rebuilt without downtime when its {@link Projection#version() version}
   * changes: the new version is built as a new generation beside the live one, which keeps serving
   * queries, and is cut over in one commit once it has caught up.
   *
   * @param buildOnStart whether a node whose version the store does not know starts building it by
   *     itself at start-up; false: it waits, STANDBY, until an operator starts the build (the
   *     {@code rebuild} action of the {@code projections} endpoint)
   * @param automaticCutOver whether the node building a new generation makes it live by itself once
   *     it has caught up; false: an operator cuts over (the endpoint's {@code cut-over} action)
   * @param cutOverLag how close to the source's head, in positions, a new generation must be to
   *     count as caught up (0 or more)
   * @param refresh how often queries and nodes re-read which generation is live (10 ms to 1 minute)
   * @param retiredGrace how long a generation retired by a cut-over is kept for a rollback before it
   *     is dropped (not negative)
   * @param buildRateLimit the most events per second a new generation is built at on this node, to
   *     leave CPU and store time to readers (0, the default, for no limit; up to 100,000,000)
   */
  public record Generations(
      @DefaultValue("true") boolean buildOnStart,
      @DefaultValue("true") boolean automaticCutOver,
      @DefaultValue("100") long cutOverLag,
      @DefaultValue("1s") Duration refresh,
      @DefaultValue("24h") Duration retiredGrace,
      @DefaultValue("0") int buildRateLimit) {

    /**
     * Checks the ranges.
     *
     * @param buildOnStart whether a node builds an unknown version by itself at start-up
     * @param automaticCutOver whether a caught-up new generation is made live by itself
     * @param cutOverLag how close to the head, in positions, counts as caught up; 0 or more
     * @param refresh how often the live generation is re-read; 10 ms to 1 minute
     * @param retiredGrace how long a retired generation is kept for a rollback; not negative
     * @param buildRateLimit the most events per second of a build on this node; 0 to 100,000,000
     * @throws InvalidPropertyException naming the first property whose value is out of range
     */
    public Generations {
      if (cutOverLag < 0) {
        throw new InvalidPropertyException("generations.cut-over-lag", cutOverLag,
            "must not be negative");
      }
      if (refresh.toMillis() < 10 || refresh.toSeconds() > 60) {
        throw new InvalidPropertyException("generations.refresh", refresh,
            "must be 10 ms to 1 minute");
      }
      if (retiredGrace.isNegative()) {
        throw new InvalidPropertyException("generations.retired-grace", retiredGrace,
            "must not be negative");
      }
      if (buildRateLimit < 0 || buildRateLimit > 100_000_000) {
        throw new InvalidPropertyException("generations.build-rate-limit", buildRateLimit,
            "must be 0 (no limit) to 100000000 events per second");
      }
    }
  }

  /** The choices of {@code orchestrix.projections.failure.policy}. */
  public enum FailureAction {
    /** Stop, unhealthy, at the failed event until an operator acts. */
    STOP,
    /** Store the failed event as a dead letter and go on. */
    DEAD_LETTER,
    /** Retry the event with backoff, then stop at it. */
    RETRY_THEN_STOP,
    /** Retry the event with backoff, then dead-letter it. */
    RETRY_THEN_DEAD_LETTER;

    String propertyValue() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }
}
