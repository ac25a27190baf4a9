/**
 * How {@link io.orchestrix.projection.kafka.testing.KafkaTestBroker} runs a broker. Not supported
 * API: it may change in any release.
 */
@NullMarked
package io.orchestrix.projection.kafka.testing.internal;

import org.jspecify.annotations.NullMarked;
