/**
 * A projection fed from Kafka topics, exactly once: {@link io.orchestrix.projection.kafka.KafkaProjectionSource}
 * follows topics in a consumer group, keeps each topic partition's offset in the projection store in
 * the same commit as the read-model changes, and fences a revoked partition's in-flight batch by
 * claiming the partition's writer on assignment.
 */
@NullMarked
package io.orchestrix.projection.kafka;

import org.jspecify.annotations.NullMarked;
