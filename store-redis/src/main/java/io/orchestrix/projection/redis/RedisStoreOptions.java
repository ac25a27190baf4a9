package io.orchestrix.projection.redis;

import java.time.Clock;
import java.util.Objects;

/**
 * How a {@link RedisProjectionStore} lays out and checks its data, whatever client it uses: the key
 * prefix, the largest document accepted and the clock that stamps new projection states. Connection
 * settings (pool, timeouts, credentials, TLS) come from the URI and {@link RedisStoreProperties}, or
 * from the client an application supplies.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; every setter checks its argument at once
 * and throws {@link IllegalArgumentException} naming the setting and the rejected value (or
 * {@link NullPointerException} for a null).
 */
public final class RedisStoreOptions {

  /** The key prefix when none is set. */
  public static final String DEFAULT_KEY_PREFIX = "orchestrix:";
  /** The largest JSON document accepted when no limit is set: 16 MiB, as in MongoDB. */
  public static final int DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
  /** The longest key prefix accepted. */
  public static final int MAX_KEY_PREFIX_LENGTH = 200;

  private static final RedisStoreOptions DEFAULTS = builder().build();

  private final String keyPrefix;
  private final int maxDocumentBytes;
  private final Clock clock;

  private RedisStoreOptions(Builder builder) {
    this.keyPrefix = builder.keyPrefix;
    this.maxDocumentBytes = builder.maxDocumentBytes;
    this.clock = builder.clock;
  }

  /**
   * {@return the default options: prefix {@value #DEFAULT_KEY_PREFIX}, 16 MiB documents, the UTC
   * clock}
   */
  public static RedisStoreOptions defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the prefix of every key the store reads or writes} */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** {@return the largest document accepted, in bytes of its UTF-8 JSON} */
  public int maxDocumentBytes() {
    return maxDocumentBytes;
  }

  /** {@return the clock that stamps the initial state {@code claimWriter} creates} */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "RedisStoreOptions[keyPrefix=" + keyPrefix + ", maxDocumentBytes=" + maxDocumentBytes
        + ", clock=" + clock + "]";
  }

  /** Builds {@link RedisStoreOptions}. Not thread-safe. */
  public static final class Builder {
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The prefix of every key, so that several projections or applications share one server; end it
     * with {@code :} by convention. A hash tag in it ({@code {orders}:}) keeps all of the store's
     * keys in one Redis Cluster slot.
     *
     * @param keyPrefix the prefix; not null
     * @return this builder
     * @throws IllegalArgumentException if it is empty, longer than {@value #MAX_KEY_PREFIX_LENGTH}
     *     characters, or holds whitespace or control characters
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
      boolean ok = !keyPrefix.isEmpty() && keyPrefix.length() <= MAX_KEY_PREFIX_LENGTH
          && keyPrefix.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
      if (!ok) {
        throw new IllegalArgumentException("keyPrefix must be 1 to " + MAX_KEY_PREFIX_LENGTH
            + " characters without whitespace or control characters but was '" + keyPrefix + "'");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * The largest document accepted, in bytes of its UTF-8 JSON; larger ones are refused with
     * {@link io.orchestrix.projection.InvalidDocumentException} before anything is written.
     *
     * @param maxDocumentBytes the limit in bytes, at least 1
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxDocumentBytes(int maxDocumentBytes) {
      if (maxDocumentBytes < 1) {
        throw new IllegalArgumentException(
            "maxDocumentBytes must be positive but was " + maxDocumentBytes);
      }
      this.maxDocumentBytes = maxDocumentBytes;
      return this;
    }

    /**
     * The clock that stamps new projection states; tests pass a fixed one.
     *
     * @param clock the clock; not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** {@return the immutable options} */
    public RedisStoreOptions build() {
      return new RedisStoreOptions(this);
    }
  }
}
