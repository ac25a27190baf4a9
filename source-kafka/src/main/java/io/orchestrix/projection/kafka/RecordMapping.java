package io.orchestrix.projection.kafka;

import java.util.Objects;
import java.util.Optional;

/**
 * Where an event's type name, id, stream id and time come from in a Kafka record. Immutable and
 * thread-safe; change it with the {@code with...} methods, which check their argument at once and throw
 * {@link IllegalArgumentException} naming the setting.
 *
 * <ul>
 *   <li>type name: the header {@code typeHeader} (default {@value #DEFAULT_TYPE_HEADER}), or one
 *       fixed name for a topic that carries one type ({@link #withFixedType});
 *   <li>event id: the header {@code eventIdHeader} (default {@value #DEFAULT_EVENT_ID_HEADER}) if the
 *       record has it, else {@code topic-partition-offset};
 *   <li>stream id: the header {@code streamIdHeader} if one is configured and present, else the key
 *       as UTF-8, else {@code topic-partition} (so records without a key form one stream per
 *       partition);
 *   <li>time: the header {@code timeHeader} (ISO-8601 or epoch milliseconds) if one is configured and
 *       present, else the record's timestamp.
 * </ul>
 *
 * <p>The position is always the offset plus 1, so that an engine's checkpoint is the next offset to
 * read.
 *
 * @param typeHeader the header naming the event type
 * @param fixedType the one type name of every record, overriding the header, if set
 * @param eventIdHeader the header holding the event id
 * @param streamIdHeader the header holding the stream id, if the key is not it
 * @param timeHeader the header holding the event's time, if the record timestamp is not it
 */
public record RecordMapping(String typeHeader, Optional<String> fixedType, String eventIdHeader,
    Optional<String> streamIdHeader, Optional<String> timeHeader) {

  /** The default header naming the event type. */
  public static final String DEFAULT_TYPE_HEADER = "event-type";
  /** The default header holding the event id. */
  public static final String DEFAULT_EVENT_ID_HEADER = "event-id";

  /**
   * Checks the names: each header name and the fixed type, where set, must not be blank.
   *
   * @param typeHeader the header naming the event type
   * @param fixedType the one type name of every record, if set
   * @param eventIdHeader the header holding the event id
   * @param streamIdHeader the header holding the stream id, if set
   * @param timeHeader the header holding the event's time, if set
   * @throws IllegalArgumentException naming the setting whose name is invalid
   */
  public RecordMapping {
    requireName(typeHeader, "typeHeader");
    Objects.requireNonNull(fixedType, "fixedType must not be null");
    fixedType.ifPresent(name -> requireName(name, "fixedType"));
    requireName(eventIdHeader, "eventIdHeader");
    Objects.requireNonNull(streamIdHeader, "streamIdHeader must not be null");
    streamIdHeader.ifPresent(name -> requireName(name, "streamIdHeader"));
    Objects.requireNonNull(timeHeader, "timeHeader must not be null");
    timeHeader.ifPresent(name -> requireName(name, "timeHeader"));
  }

  /**
   * Type from {@value #DEFAULT_TYPE_HEADER}, id from {@value #DEFAULT_EVENT_ID_HEADER} or the
   * coordinates, stream from the key, time from the timestamp.
   *
   * @return the default mapping
   */
  public static RecordMapping defaults() {
    return new RecordMapping(DEFAULT_TYPE_HEADER, Optional.empty(), DEFAULT_EVENT_ID_HEADER,
        Optional.empty(), Optional.empty());
  }

  /**
   * The header naming the event type.
   *
   * @param header the header's name
   * @return a copy of this mapping with that header
   */
  public RecordMapping withTypeHeader(String header) {
    return new RecordMapping(header, fixedType, eventIdHeader, streamIdHeader, timeHeader);
  }

  /**
   * One type name for every record, whatever its headers say.
   *
   * @param typeName the type name
   * @return a copy of this mapping with that fixed type
   */
  public RecordMapping withFixedType(String typeName) {
    return new RecordMapping(typeHeader, Optional.of(requireName(typeName, "fixedType")),
        eventIdHeader, streamIdHeader, timeHeader);
  }

  /**
   * The header holding the event id.
   *
   * @param header the header's name
   * @return a copy of this mapping with that header
   */
  public RecordMapping withEventIdHeader(String header) {
    return new RecordMapping(typeHeader, fixedType, header, streamIdHeader, timeHeader);
  }

  /**
   * The header holding the stream id, before the key.
   *
   * @param header the header's name
   * @return a copy of this mapping with that header
   */
  public RecordMapping withStreamIdHeader(String header) {
    return new RecordMapping(typeHeader, fixedType, eventIdHeader,
        Optional.of(requireName(header, "streamIdHeader")), timeHeader);
  }

  /**
   * The header holding the event's time, before the record timestamp.
   *
   * @param header the header's name
   * @return a copy of this mapping with that header
   */
  public RecordMapping withTimeHeader(String header) {
    return new RecordMapping(typeHeader, fixedType, eventIdHeader, streamIdHeader,
        Optional.of(requireName(header, "timeHeader")));
  }

  private static String requireName(String name, String setting) {
    Objects.requireNonNull(name, setting + " must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException(setting + " must not be blank but was '" + name + "'");
    }
    return name;
  }
}
