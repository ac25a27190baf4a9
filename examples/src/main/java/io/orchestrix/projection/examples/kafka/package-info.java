/**
 * The standard workload on a Kafka topic: its records (key = order id, JSON value, type and event-id
 * headers, each order pinned to one partition by the hash of its id), the end offsets the workload
 * of N events leaves in each partition, and an appender that writes the workload to a topic and
 * completes an interrupted run. Used by the {@code append}, {@code follow} and {@code bench} commands
 * with {@code --kafka}, and by the {@code benchmarks} module.
 */
@NullMarked
package io.orchestrix.projection.examples.kafka;

import org.jspecify.annotations.NullMarked;
