/**
 * The Kafka source's consumer loop, decoding and bookkeeping. Not supported API: it may change in any
 * release.
 */
@NullMarked
package io.orchestrix.projection.kafka.internal;

import org.jspecify.annotations.NullMarked;
