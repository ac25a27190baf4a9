package io.orchestrix.projection.kafka;

import io.orchestrix.projection.Backoff;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.json.EventTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link KafkaProjectionSource}. Not thread-safe. Every setter checks its argument at once and
 * throws {@link IllegalArgumentException} (or {@link NullPointerException}) naming the setting and the
 * rejected value.
 */
public final class KafkaSourceBuilder {

  /** Default most records per partition in one batch. */
  public static final int DEFAULT_BATCH_SIZE = 500;
  /** Default longest wait of a polled record for its batch to fill. */
  public static final Duration DEFAULT_MAX_LATENCY = Duration.ofMillis(50);
  /** Default number of partitions whose batches are applied at once. */
  public static final int DEFAULT_WORKERS = 4;
  /** Default longest wait of a revocation for the batch in flight. */
  public static final Duration DEFAULT_REVOKE_TIMEOUT = Duration.ofSeconds(10);

  /** Consumer properties the source sets itself, refused in {@link #consumerProperty}. */
  private static final Set<String> OWN_PROPERTIES = Set.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
      ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
      ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

  private final ProjectionEngine engine;
  private @Nullable String bootstrapServers;
  private final TreeSet<String> topics = new TreeSet<>();
  private @Nullable String groupId;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private Duration maxLatency = DEFAULT_MAX_LATENCY;
  private Duration revokeTimeout = DEFAULT_REVOKE_TIMEOUT;
  private int workers = DEFAULT_WORKERS;
  private @Nullable PayloadDecoder decoder;
  private EventTypes eventTypes = EventTypes.byClassName();
  private RecordMapping mapping = RecordMapping.defaults();
  private Backoff outageBackoff = Backoff.DEFAULT;
  private final Map<String, Object> consumerProperties = new HashMap<>();

  KafkaSourceBuilder(ProjectionEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine must not be null");
  }

  /**
   * The cluster, {@code host:port[,host:port...]}. Required.
   *
   * @param bootstrapServers the servers, not blank
   * @return this builder
   */
  public KafkaSourceBuilder bootstrapServers(String bootstrapServers) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers must not be null");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must not be blank");
    }
    this.bootstrapServers = bootstrapServers.trim();
    return this;
  }

  /**
   * Topics to follow, added to those named before. At least one is required.
   *
   * @param names topic names: 1 to 249 of letters, digits, '.', '_' and '-'
   * @return this builder
   * @throws IllegalArgumentException naming a topic name that breaks that rule
   */
  public KafkaSourceBuilder topics(String... names) {
    Objects.requireNonNull(names, "topics must not be null");
    for (String name : names) {
      Objects.requireNonNull(name, "a topic name must not be null");
      if (name.isBlank() || !name.matches("[A-Za-z0-9._-]{1,249}")) {
        throw new IllegalArgumentException("topics: '" + name + "' is not a valid Kafka topic name"
            + " (1 to 249 of letters, digits, '.', '_' and '-')");
      }
      topics.add(name);
    }
    return this;
  }

  /**
   * The consumer group whose members share the partitions. Default: the projection id.
   *
   * @param groupId the group's id, not blank
   * @return this builder
   */
  public KafkaSourceBuilder groupId(String groupId) {
    Objects.requireNonNull(groupId, "groupId must not be null");
    if (groupId.isBlank()) {
      throw new IllegalArgumentException("groupId must not be blank");
    }
    this.groupId = groupId;
    return this;
  }

  /**
   * Most records per partition in one batch (one commit). Default {@value #DEFAULT_BATCH_SIZE}.
   *
   * @param batchSize the most records, 1 to 100,000
   * @return this builder
   * @throws IllegalArgumentException if the size is outside that range
   */
  public KafkaSourceBuilder batchSize(int batchSize) {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 100000 but was " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /**
   * Longest a polled record waits for its batch to fill while nothing is being applied. Default 50
   * ms.
   *
   * @param maxLatency the wait, 0 to 1 minute
   * @return this builder
   * @throws IllegalArgumentException if the wait is outside that range
   */
  public KafkaSourceBuilder maxLatency(Duration maxLatency) {
    Objects.requireNonNull(maxLatency, "maxLatency must not be null");
    if (maxLatency.isNegative() || maxLatency.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("maxLatency must be 0 to 1 minute but was " + maxLatency);
    }
    this.maxLatency = maxLatency;
    return this;
  }

  /**
   * Longest a revocation waits for the batch in flight before it lets the partition go (the batch's
   * commit is then refused if the next owner claimed the partition first). Default 10 s.
   *
   * @param revokeTimeout the wait, not negative
   * @return this builder
   * @throws IllegalArgumentException if the wait is negative
   */
  public KafkaSourceBuilder revokeTimeout(Duration revokeTimeout) {
    Objects.requireNonNull(revokeTimeout, "revokeTimeout must not be null");
    if (revokeTimeout.isNegative()) {
      throw new IllegalArgumentException("revokeTimeout must not be negative but was " + revokeTimeout);
    }
    this.revokeTimeout = revokeTimeout;
    return this;
  }

  /**
   * How many partitions' batches are applied at once, each on a worker thread of its own and with its
   * own commit (at most the engine's partition count are used). More workers overlap the store's
   * commit latency; each needs a connection of the store's pool. Default {@value #DEFAULT_WORKERS}.
   *
   * @param workers the number of worker threads, 1 to 256
   * @return this builder
   * @throws IllegalArgumentException if the number is outside that range
   */
  public KafkaSourceBuilder workers(int workers) {
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("workers must be 1 to 256 but was " + workers);
    }
    this.workers = workers;
    return this;
  }

  /**
   * Names, classes and upcasters of the events, for the default JSON decoder. Default: class names.
   *
   * @param eventTypes the event types; not null
   * @return this builder
   */
  public KafkaSourceBuilder eventTypes(EventTypes eventTypes) {
    this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes must not be null");
    return this;
  }

  /**
   * How values become payloads, instead of JSON through {@link #eventTypes}.
   *
   * @param decoder the decoder; not null
   * @return this builder
   */
  public KafkaSourceBuilder payloadDecoder(PayloadDecoder decoder) {
    this.decoder = Objects.requireNonNull(decoder, "payloadDecoder must not be null");
    return this;
  }

  /**
   * Where type, ids, stream and time come from. Default {@link RecordMapping#defaults()}.
   *
   * @param mapping the mapping; not null
   * @return this builder
   */
  public KafkaSourceBuilder recordMapping(RecordMapping mapping) {
    this.mapping = Objects.requireNonNull(mapping, "recordMapping must not be null");
    return this;
  }

  /**
   * The waits between attempts while the store or the cluster is out. Default {@link
   * Backoff#DEFAULT}.
   *
   * @param outageBackoff the backoff; not null
   * @return this builder
   */
  public KafkaSourceBuilder outageBackoff(Backoff outageBackoff) {
    this.outageBackoff = Objects.requireNonNull(outageBackoff, "outageBackoff must not be null");
    return this;
  }

  /**
   * A Kafka consumer property passed through (security, {@code group.protocol},
   * {@code session.timeout.ms}, {@code max.poll.interval.ms}, {@code client.id}...).
   *
   * @param key the property's key; not null
   * @param value the property's value; not null
   * @return this builder
   * @throws IllegalArgumentException for a property the source sets itself (bootstrap servers, group
   *     id, auto commit, offset reset, deserializers)
   */
  public KafkaSourceBuilder consumerProperty(String key, Object value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value of " + key + " must not be null");
    if (OWN_PROPERTIES.contains(key)) {
      throw new IllegalArgumentException("consumerProperty: '" + key + "' is set by the source itself"
          + (key.equals(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) ? "; use bootstrapServers(...)"
              : key.equals(ConsumerConfig.GROUP_ID_CONFIG) ? "; use groupId(...)"
              : ": offsets live in the projection store"));
    }
    consumerProperties.put(key, value);
    return this;
  }

  /**
   * The source. Registers on the engine the handler that turns an {@link UndecodableRecord} into an
   * {@link UndecodableRecordException} for the engine's failure policy.
   *
   * @return the source, not started
   * @throws IllegalStateException if no bootstrap servers or no topic was given
   */
  public KafkaProjectionSource build() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("bootstrapServers(...) is required");
    }
    if (topics.isEmpty()) {
      throw new IllegalStateException("topics(...) is required: name at least one topic");
    }
    String group = groupId != null ? groupId : engine.projectionId();
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "projection-" + engine.projectionId());
    properties.putAll(consumerProperties);
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    engine.on(UndecodableRecord.class, (UndecodableRecord record, HandlerContext context) -> {
      throw new UndecodableRecordException(record, context.projectionId(),
          context.envelope().eventId(), context.envelope().position());
    });
    return new KafkaProjectionSource(new KafkaSourceConfig(engine, bootstrapServers,
        new ArrayList<>(topics), group, batchSize, maxLatency,
        decoder != null ? decoder : PayloadDecoder.json(eventTypes), mapping, properties,
        outageBackoff, revokeTimeout, workers));
  }
}
