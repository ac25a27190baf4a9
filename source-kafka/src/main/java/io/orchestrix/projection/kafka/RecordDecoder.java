package io.orchestrix.projection.kafka;

import io.orchestrix.projection.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * Turns Kafka records into envelopes: position = offset + 1, ids, stream and time as the
 * {@link RecordMapping} says; a null value becomes a {@link Tombstone}, a value that cannot be decoded
 * an {@link UndecodableRecord}. Never throws for a record's content. Thread-safe.
 */
final class RecordDecoder {

  /** Metadata keys every envelope carries. */
  public static final String TOPIC = "kafka.topic";
  public static final String PARTITION = "kafka.partition";
  public static final String OFFSET = "kafka.offset";

  private final PayloadDecoder decoder;
  private final RecordMapping mapping;

  public RecordDecoder(PayloadDecoder decoder, RecordMapping mapping) {
    this.decoder = decoder;
    this.mapping = mapping;
  }

  public EventEnvelope<?> decode(ConsumerRecord<byte[], byte[]> record) {
    String coordinates = record.topic() + "-" + record.partition();
    String eventId = header(record, mapping.eventIdHeader());
    if (eventId == null || eventId.isBlank()) {
      eventId = coordinates + "-" + record.offset();
    }
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    String streamId = mapping.streamIdHeader().map(name -> header(record, name)).orElse(null);
    if (streamId == null || streamId.isBlank()) {
      streamId = key == null || key.isBlank() ? coordinates : key;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(TOPIC, record.topic());
    metadata.put(PARTITION, Integer.toString(record.partition()));
    metadata.put(OFFSET, Long.toString(record.offset()));
    Object payload = payload(record, key);
    return new EventEnvelope<>(eventId, streamId, record.offset() + 1, time(record), metadata, payload);
  }

  private Object payload(ConsumerRecord<byte[], byte[]> record, @Nullable String key) {
    if (record.value() == null) {
      return new Tombstone(record.topic(), record.partition(), record.offset(), key);
    }
    String typeName = mapping.fixedType().orElseGet(() -> {
      String named = header(record, mapping.typeHeader());
      return named == null ? "" : named;
    });
    if (typeName.isBlank()) {
      return undecodable(record, "", "no type name: the header '" + mapping.typeHeader()
          + "' is missing or blank");
    }
    try {
      Object payload = decoder.decode(typeName, record.value());
      if (payload == null) {
        return undecodable(record, typeName, "the payload decoder returned null");
      }
      return payload;
    } catch (Exception e) {
      return undecodable(record, typeName, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private static UndecodableRecord undecodable(ConsumerRecord<byte[], byte[]> record, String typeName,
      String error) {
    return new UndecodableRecord(record.topic(), record.partition(), record.offset(), typeName,
        Base64.getEncoder().encodeToString(record.value()), error);
  }

  private Instant time(ConsumerRecord<byte[], byte[]> record) {
    String text = mapping.timeHeader().map(name -> header(record, name)).orElse(null);
    if (text != null && !text.isBlank()) {
      try {
        return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text))
            : Instant.parse(text);
      } catch (RuntimeException unreadable) {
        // an unreadable time header falls back to the record's timestamp, which every record has
      }
    }
    return Instant.ofEpochMilli(Math.max(0, record.timestamp()));
  }

  private static @Nullable String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
