package io.orchestrix.projection.jdbc;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.support.StoreProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link JdbcProjectionStore} (and the JDBC event store of event-store-jdbc) names its tables
 * and sizes its pool. Immutable and thread-safe; build with {@link #builder()} or read from store
 * properties with {@link #fromProperties(Map)}.
 *
 * <p>Every table the store creates is named {@code <schema>.<tablePrefix><name>}: {@code
 * <tablePrefix>schema_version}, {@code <tablePrefix>state}, {@code <tablePrefix>dead_letter} and one
 * {@code <tablePrefix>rm_<read model>} per read model. Several applications can share one database by
 * using different prefixes or schemas.
 */
public final class JdbcStoreOptions {

  /** Property key of {@link Builder#tablePrefix(String)}. */
  public static final String TABLE_PREFIX = "table-prefix";
  /** Property key of {@link Builder#schema(String)}. */
  public static final String SCHEMA = "schema";
  /** Property key of {@link Builder#poolSize(int)}. */
  public static final String POOL_SIZE = "pool-size";
  /** Property key of {@link Builder#connectionTimeout(Duration)}, in milliseconds. */
  public static final String CONNECTION_TIMEOUT_MS = "connection-timeout-ms";

  /** The property keys {@link #fromProperties} accepts. */
  public static final Set<String> PROPERTY_KEYS =
      Set.of(TABLE_PREFIX, SCHEMA, POOL_SIZE, CONNECTION_TIMEOUT_MS);

  /** Default table prefix. */
  public static final String DEFAULT_TABLE_PREFIX = "orx_";
  /** Default size of the pool the store opens for a URI. */
  public static final int DEFAULT_POOL_SIZE = 5;
  /** Default time to wait for a connection. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
  /** Longest table prefix, so that every table name fits the 63-character limit of PostgreSQL. */
  public static final int MAX_TABLE_PREFIX_LENGTH = 20;

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0," + (MAX_TABLE_PREFIX_LENGTH - 1) + "}");
  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private final String tablePrefix;
  private final @Nullable String schema;
  private final int poolSize;
  private final Duration connectionTimeout;
  private final Clock clock;

  private JdbcStoreOptions(Builder builder) {
    this.tablePrefix = builder.tablePrefix;
    this.schema = builder.schema;
    this.poolSize = builder.poolSize;
    this.connectionTimeout = builder.connectionTimeout;
    this.clock = builder.clock;
  }

  /**
   * {@return the defaults: prefix {@value #DEFAULT_TABLE_PREFIX}, no schema, pool of 5, 10 s
   * timeout}
   */
  public static JdbcStoreOptions defaults() {
    return builder().build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Options from store properties ({@link #PROPERTY_KEYS}).
   *
   * @param properties the store properties; not null
   * @return the options
   * @throws StoreConfigurationException naming the key if a key is unknown or a value is bad
   */
  public static JdbcStoreOptions fromProperties(Map<String, String> properties) {
    Builder builder = builder();
    StoreProperties.of("JDBC store", properties, PROPERTY_KEYS)
        .apply(TABLE_PREFIX, builder::tablePrefix)
        .apply(SCHEMA, builder::schema)
        .applyInt(POOL_SIZE, builder::poolSize)
        .applyMillis(CONNECTION_TIMEOUT_MS, builder::connectionTimeout);
    return builder.build();
  }

  /** {@return the prefix of every table name} */
  public String tablePrefix() {
    return tablePrefix;
  }

  /** {@return the schema (a database on MariaDB) of the tables, if not the connection's default} */
  public Optional<String> schema() {
    return Optional.ofNullable(schema);
  }

  /** {@return the most connections the store's own pool opens} */
  public int poolSize() {
    return poolSize;
  }

  /** {@return how long to wait for a connection before a transient StoreException} */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** {@return the clock that stamps states the store creates} */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "JdbcStoreOptions[tablePrefix=" + tablePrefix + ", schema=" + schema + ", poolSize="
        + poolSize + ", connectionTimeout=" + connectionTimeout + "]";
  }

  /**
   * Builds {@link JdbcStoreOptions}. Not thread-safe. Each setter checks its argument at once and
   * throws {@link IllegalArgumentException} naming the setting and the rejected value.
   */
  public static final class Builder {
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private @Nullable String schema;
    private int poolSize = DEFAULT_POOL_SIZE;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The table prefix: 1 to 20 characters of a-z, 0-9 and '_', starting with a letter.
     *
     * @param tablePrefix the prefix
     * @return this builder
     * @throws IllegalArgumentException if the prefix breaks that rule
     */
    public Builder tablePrefix(String tablePrefix) {
      Objects.requireNonNull(tablePrefix, "tablePrefix must not be null");
      if (!PREFIX.matcher(tablePrefix).matches()) {
        throw new IllegalArgumentException("tablePrefix must be 1 to " + MAX_TABLE_PREFIX_LENGTH
            + " characters of a-z, 0-9 and '_', starting with a letter, but was '" + tablePrefix + "'");
      }
      this.tablePrefix = tablePrefix;
      return this;
    }

    /**
     * The schema to create the tables in, created if missing; null for the connection's default.
     *
     * @param schema the schema: 1 to 63 characters of a-z, 0-9 and '_', starting with a letter; or
     *     null
     * @return this builder
     * @throws IllegalArgumentException if the name breaks that rule
     */
    public Builder schema(@Nullable String schema) {
      if (schema != null && !SCHEMA_NAME.matcher(schema).matches()) {
        throw new IllegalArgumentException("schema must be 1 to 63 characters of a-z, 0-9 and '_',"
            + " starting with a letter, but was '" + schema + "'");
      }
      this.schema = schema;
      return this;
    }

    /**
     * The most connections of the pool the store opens for a URI: 1 to 1,000.
     *
     * @param poolSize the pool's size
     * @return this builder
     * @throws IllegalArgumentException if the size is outside 1 to 1,000
     */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1 || poolSize > 1000) {
        throw new IllegalArgumentException("poolSize must be 1 to 1000 but was " + poolSize);
      }
      this.poolSize = poolSize;
      return this;
    }

    /**
     * How long to wait for a connection: 250 ms to 10 minutes.
     *
     * @param connectionTimeout the timeout; not null
     * @return this builder
     * @throws IllegalArgumentException if the timeout is outside 250 ms to 10 minutes
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      Objects.requireNonNull(connectionTimeout, "connectionTimeout must not be null");
      if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0
          || connectionTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "connectionTimeout must be 250 ms to 10 minutes but was " + connectionTimeout);
      }
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    /**
     * The clock that stamps states the store creates (the initial state of a claim).
     *
     * @param clock the clock; not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** {@return the immutable options} */
    public JdbcStoreOptions build() {
      return new JdbcStoreOptions(this);
    }
  }
}
