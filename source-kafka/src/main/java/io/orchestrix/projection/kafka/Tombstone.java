package io.orchestrix.projection.kafka;

import org.jspecify.annotations.Nullable;

/**
 * The payload a projection receives for a record whose value is null (a tombstone of a compacted
 * topic). A projection with no handler for it skips it, and its checkpoint moves past it as for any
 * event without a handler; register a handler ({@code engine.on(Tombstone.class, ...)}) to map deletes
 * to read-model deletes. Immutable.
 *
 * @param topic the record's topic
 * @param partition the record's partition
 * @param offset the record's offset
 * @param key the record's key as UTF-8 text, or null if it had none
 */
public record Tombstone(String topic, int partition, long offset, @Nullable String key) {}
