/**
 * A real Kafka broker for tests: {@link io.orchestrix.projection.kafka.testing.KafkaTestBroker}.
 * Everything under {@code internal} is not supported API.
 */
@NullMarked
package io.orchestrix.projection.kafka.testing;

import org.jspecify.annotations.NullMarked;
