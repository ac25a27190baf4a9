package io.orchestrix.projection.kafka;

/**
 * The payload a projection receives for a record whose value could not be decoded (an unknown type
 * name, JSON that does not fit the type, a missing type header). The source's own handler for it
 * throws {@link UndecodableRecordException}, so the engine's failure policy decides what follows: stop
 * at the record, retry, or dead-letter it, with this payload (and so the raw value) kept in the dead
 * letter. It is never skipped silently. Immutable.
 *
 * @param topic the record's topic
 * @param partition the record's partition
 * @param offset the record's offset
 * @param typeName the type name the record carried, empty if none
 * @param valueBase64 the raw value, Base64-encoded
 * @param error why it could not be decoded
 */
public record UndecodableRecord(
    String topic, int partition, long offset, String typeName, String valueBase64, String error) {}
