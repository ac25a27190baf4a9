/**
 * The Redis store: {@link io.orchestrix.projection.redis.RedisProjectionStore}, opened from a
 * {@code redis://} or {@code rediss://} URI through {@code ProjectionStores.open} (projection-core)
 * or directly, over a pooled Jedis client or one the application supplies.
 *
 * <p>Every type in this package is non-null by default; the few nullable values are marked
 * {@code @Nullable} or returned as {@link java.util.Optional}.
 */
@NullMarked
package io.orchestrix.projection.redis;

import org.jspecify.annotations.NullMarked;
