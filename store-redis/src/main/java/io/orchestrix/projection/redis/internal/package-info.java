/**
 * Internals of the Redis store: key layout, Lua scripts, encodings, URI parsing and error
 * translation. <strong>Not supported API</strong>: anything here may change or disappear in any
 * release without notice; use {@link io.orchestrix.projection.redis.RedisProjectionStore} instead.
 */
@NullMarked
package io.orchestrix.projection.redis.internal;

import org.jspecify.annotations.NullMarked;
