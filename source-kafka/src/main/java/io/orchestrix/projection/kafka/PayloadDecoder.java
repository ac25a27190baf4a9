package io.orchestrix.projection.kafka;

import io.orchestrix.projection.core.json.EventTypes;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a record's value into an event payload, given the type name the {@link RecordMapping} found.
 * Implementations are thread-safe and throw any exception for a value they cannot decode: the record
 * then becomes an {@link UndecodableRecord}, never a skipped one.
 */
@FunctionalInterface
public interface PayloadDecoder {

  /**
   * The payload of a value.
   *
   * @param typeName the record's type name (from its header, or the mapping's fixed type)
   * @param value the record's value, never null (tombstones do not reach a decoder)
   * @return the payload; not null
   * @throws Exception if the value cannot be decoded; the record becomes an {@link
   *     UndecodableRecord}
   */
  Object decode(String typeName, byte[] value) throws Exception;

  /**
   * UTF-8 JSON read by {@link EventTypes#fromJson}, with its names and upcasters: the default.
   *
   * @param eventTypes the names, classes and upcasters of the events; not null
   * @return the decoder
   */
  static PayloadDecoder json(EventTypes eventTypes) {
    Objects.requireNonNull(eventTypes, "eventTypes must not be null");
    return (typeName, value) -> eventTypes.fromJson(typeName, new String(value, StandardCharsets.UTF_8));
  }
}
