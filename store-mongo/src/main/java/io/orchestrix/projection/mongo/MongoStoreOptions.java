package io.orchestrix.projection.mongo;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.mongo.internal.DatabaseNames;
import io.orchestrix.projection.mongo.internal.MongoTarget;
import io.orchestrix.projection.spi.support.StoreProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link MongoProjectionStore}. Immutable and thread-safe; build with {@link #builder()}
 * or read from store properties with {@link #fromProperties(Map)}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>key</th><th>value</th><th>default</th></tr>
 *   <tr><td>{@value #COLLECTION_PREFIX}</td><td>prefix of every collection name, 0 to 40 of
 *       {@code A-Z a-z 0-9 _ - .}</td><td>{@value #DEFAULT_COLLECTION_PREFIX}</td></tr>
 *   <tr><td>{@value #DATABASE}</td><td>the database when the URI names none; an error if the URI names
 *       another</td><td>none: the URI or this property must name one</td></tr>
 *   <tr><td>{@value #SERVER_SELECTION_TIMEOUT_MS}</td><td>how long a call waits for a usable server,
 *       in milliseconds, at least 1</td><td>the URI's {@code serverSelectionTimeoutMS}, else
 *       10000</td></tr>
 *   <tr><td>{@value #SOCKET_TIMEOUT_MS}</td><td>how long a call waits for the server's reply, in
 *       milliseconds, at least 1</td><td>the URI's {@code socketTimeoutMS}, else 60000</td></tr>
 *   <tr><td>{@value #MODE}</td><td>{@code auto}, {@code transactional} or {@code standalone}, see
 *       {@link MongoStoreMode}</td><td>{@code auto}</td></tr>
 * </table>
 */
public final class MongoStoreOptions {

  /** Property key of the collection prefix. */
  public static final String COLLECTION_PREFIX = "collection-prefix";
  /** Property key of the database, for a URI that names none. */
  public static final String DATABASE = "database";
  /** Property key of the server-selection timeout in milliseconds. */
  public static final String SERVER_SELECTION_TIMEOUT_MS = "server-selection-timeout-ms";
  /** Property key of the socket read timeout in milliseconds. */
  public static final String SOCKET_TIMEOUT_MS = "socket-timeout-ms";
  /** Property key of the commit mode. */
  public static final String MODE = "mode";

  /** Collection prefix used unless another is set. */
  public static final String DEFAULT_COLLECTION_PREFIX = "orchestrix_";
  /** Server-selection timeout used when neither the URI nor the options set one. */
  public static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT =
      MongoTarget.DEFAULT_SERVER_SELECTION_TIMEOUT;
  /**
   * Socket read timeout used when neither the URI nor the options set one: a server that stops
   * answering in the middle of a call fails it as an outage instead of blocking it for ever.
   */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = MongoTarget.DEFAULT_SOCKET_TIMEOUT;

  private static final Set<String> KEYS =
      Set.of(COLLECTION_PREFIX, DATABASE, SERVER_SELECTION_TIMEOUT_MS, SOCKET_TIMEOUT_MS, MODE);
  private static final int MAX_PREFIX_LENGTH = 40;

  private final String collectionPrefix;
  private final @Nullable String database;
  private final @Nullable Duration serverSelectionTimeout;
  private final @Nullable Duration socketTimeout;
  private final MongoStoreMode mode;
  private final Clock clock;

  private MongoStoreOptions(Builder builder) {
    this.collectionPrefix = builder.collectionPrefix;
    this.database = builder.database;
    this.serverSelectionTimeout = builder.serverSelectionTimeout;
    this.socketTimeout = builder.socketTimeout;
    this.mode = builder.mode;
    this.clock = builder.clock;
  }

  /** {@return a builder with every default} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the options with every default} */
  public static MongoStoreOptions defaults() {
    return builder().build();
  }

  /**
   * Options read from store properties (keys above).
   *
   * @param properties the store properties; not null
   * @return the options
   * @throws StoreConfigurationException naming the key for an unknown key or a bad value
   */
  public static MongoStoreOptions fromProperties(Map<String, String> properties) {
    Builder builder = builder();
    StoreProperties.of("MongoDB store", properties, KEYS)
        .apply(COLLECTION_PREFIX, builder::collectionPrefix)
        .apply(DATABASE, builder::database)
        .applyMillis(SERVER_SELECTION_TIMEOUT_MS, builder::serverSelectionTimeout)
        .applyMillis(SOCKET_TIMEOUT_MS, builder::socketTimeout)
        .apply(MODE, value -> builder.mode(parseMode(value)));
    return builder.build();
  }

  private static MongoStoreMode parseMode(String value) {
    for (MongoStoreMode mode : MongoStoreMode.values()) {
      if (mode.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "must be auto, transactional or standalone but was '" + value + "'");
  }

  /**
   * Returns the name if MongoDB accepts it as a database name.
   *
   * @throws IllegalArgumentException if empty, longer than 63 characters, or holding a character
   *     MongoDB refuses in database names ({@code /\. "$} or NUL)
   */
  static String requireValidDatabase(String database) {
    Objects.requireNonNull(database, "database must not be null");
    String problem = DatabaseNames.problem(database);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return database;
  }

  private static Duration requirePositiveMillis(String setting, Duration timeout) {
    Objects.requireNonNull(timeout, setting + " must not be null");
    if (timeout.compareTo(Duration.ofMillis(1)) < 0
        || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(
          setting + " must be 1 to " + Integer.MAX_VALUE + " ms but was " + timeout);
    }
    return timeout;
  }

  /** {@return the prefix of every collection name} */
  public String collectionPrefix() {
    return collectionPrefix;
  }

  /** {@return the database for a URI that names none, if set} */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /** {@return the server-selection timeout set explicitly, if any} */
  public Optional<Duration> serverSelectionTimeout() {
    return Optional.ofNullable(serverSelectionTimeout);
  }

  /** {@return the socket read timeout set explicitly, if any} */
  public Optional<Duration> socketTimeout() {
    return Optional.ofNullable(socketTimeout);
  }

  /** {@return the requested commit mode} */
  public MongoStoreMode mode() {
    return mode;
  }

  /**
   * The clock that stamps states the store creates itself (on a first claim) and orders its commits.
   * Leases never read it: the MongoDB server's clock alone decides when they expire.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "MongoStoreOptions[collectionPrefix=" + collectionPrefix + ", database=" + database
        + ", serverSelectionTimeout=" + serverSelectionTimeout + ", socketTimeout=" + socketTimeout
        + ", mode=" + mode + "]";
  }

  /** Builds {@link MongoStoreOptions}; each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {

    private String collectionPrefix = DEFAULT_COLLECTION_PREFIX;
    private @Nullable String database;
    private @Nullable Duration serverSelectionTimeout;
    private @Nullable Duration socketTimeout;
    private MongoStoreMode mode = MongoStoreMode.AUTO;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The prefix of every collection name.
     *
     * @param prefix the prefix; not null
     * @return this builder
     * @throws IllegalArgumentException if longer than 40 characters, holding a character other than
     *     {@code A-Z a-z 0-9 _ - .}, or starting with {@code system.}
     */
    public Builder collectionPrefix(String prefix) {
      Objects.requireNonNull(prefix, "collectionPrefix must not be null");
      boolean ok = prefix.length() <= MAX_PREFIX_LENGTH && !prefix.startsWith("system.");
      for (int i = 0; ok && i < prefix.length(); i++) {
        char c = prefix.charAt(i);
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-' || c == '.';
      }
      if (!ok) {
        throw new IllegalArgumentException("collectionPrefix must be 0 to " + MAX_PREFIX_LENGTH
            + " of A-Z a-z 0-9 _ - . and not start with 'system.', but was '" + prefix + "'");
      }
      this.collectionPrefix = prefix;
      return this;
    }

    /**
     * The database to use when the URI names none.
     *
     * @param database the database's name; not null
     * @return this builder
     * @throws IllegalArgumentException if empty, longer than 63 characters, or holding a character
     *     MongoDB refuses in database names ({@code /\. "$} or NUL)
     */
    public Builder database(String database) {
      this.database = requireValidDatabase(database);
      return this;
    }

    /**
     * How long a call waits for the server's reply before failing with a transient
     * {@link io.orchestrix.projection.StoreException}; overrides the URI's {@code socketTimeoutMS}.
     *
     * @param timeout the timeout, 1 ms to {@code Integer.MAX_VALUE} ms; not null
     * @return this builder
     * @throws IllegalArgumentException if not positive or over {@code Integer.MAX_VALUE} ms
     */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = requirePositiveMillis("socketTimeout", timeout);
      return this;
    }

    /**
     * How long an operation waits for a usable server before failing with a transient
     * {@link io.orchestrix.projection.StoreException}; overrides the URI's
     * {@code serverSelectionTimeoutMS}.
     *
     * @param timeout the timeout, 1 ms to {@code Integer.MAX_VALUE} ms; not null
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder serverSelectionTimeout(Duration timeout) {
      this.serverSelectionTimeout = requirePositiveMillis("serverSelectionTimeout", timeout);
      return this;
    }

    /**
     * The commit mode, {@link MongoStoreMode#AUTO} by default.
     *
     * @param mode the mode; not null
     * @return this builder
     */
    public Builder mode(MongoStoreMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode must not be null");
      return this;
    }

    /**
     * The clock that stamps states the store creates itself; leases never read it.
     *
     * @param clock the clock; not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** {@return the immutable options} */
    public MongoStoreOptions build() {
      return new MongoStoreOptions(this);
    }
  }
}
