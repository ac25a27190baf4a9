package io.orchestrix.projection.examples.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import io.orchestrix.projection.kafka.PayloadDecoder;
import io.orchestrix.projection.kafka.RecordMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

/**
 * The standard workload as Kafka records: the key is the order id, the value the event as JSON
 * ({@code unitPrice} as a plain decimal number, which keeps its scale), the header
 * {@value #TYPE_HEADER} names the event type ({@code OrderCreated}, {@code ItemAdded},
 * {@code OrderShipped}) and the header {@value #EVENT_ID_HEADER} holds the workload's event id of the
 * position. Each record is sent to the partition {@link #partition} names, the hash Kafka's default
 * partitioner gives the key, so an order's events share a partition and keep their order, and the
 * partition of every event is known without asking a producer. Immutable and thread-safe.
 */
public final class WorkloadRecords {

  /** The header that names the event type. */
  public static final String TYPE_HEADER = "type";
  /** The header that holds the event id. */
  public static final String EVENT_ID_HEADER = RecordMapping.DEFAULT_EVENT_ID_HEADER;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final Map<String, ObjectReader> READERS = Map.of(
      OrderCreated.class.getSimpleName(), MAPPER.readerFor(OrderCreated.class),
      ItemAdded.class.getSimpleName(), MAPPER.readerFor(ItemAdded.class),
      OrderShipped.class.getSimpleName(), MAPPER.readerFor(OrderShipped.class));
  private static final ObjectWriter WRITER = MAPPER.writer();

  private WorkloadRecords() {}

  /** The event's type name, the value of its {@value #TYPE_HEADER} header. */
  public static String type(WorkloadEvent event) {
    return event.getClass().getSimpleName();
  }

  /**
   * The partition of an order's events in a topic of {@code partitions} partitions: murmur2 of the
   * key's UTF-8 bytes, made positive, modulo the count, as Kafka's default partitioner places a keyed
   * record.
   *
   * @throws IllegalArgumentException if {@code partitions} is not positive
   */
  public static int partition(String orderId, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive but was " + partitions);
    }
    return Utils.toPositive(Utils.murmur2(orderId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** The event as JSON. */
  public static byte[] encode(WorkloadEvent event) {
    try {
      return WRITER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + event + " as JSON", e);
    }
  }

  /** The record of a workload event for a topic of {@code partitions} partitions, its value given. */
  public static ProducerRecord<String, byte[]> record(String topic, int partitions,
      EventEnvelope<WorkloadEvent> envelope, byte[] json) {
    WorkloadEvent event = envelope.payload();
    RecordHeaders headers = new RecordHeaders();
    headers.add(TYPE_HEADER, type(event).getBytes(StandardCharsets.UTF_8));
    headers.add(EVENT_ID_HEADER, envelope.eventId().getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, partition(event.orderId(), partitions), event.orderId(), json,
        headers);
  }

  /**
   * The event a value holds.
   *
   * @throws IllegalArgumentException if the type is unknown or the JSON does not fit it
   */
  public static WorkloadEvent decode(String type, byte[] json) {
    ObjectReader reader = READERS.get(type);
    if (reader == null) {
      throw new IllegalArgumentException("unknown event type " + type);
    }
    try {
      return reader.readValue(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a " + type + ": "
          + new String(json, StandardCharsets.UTF_8), e);
    }
  }

  /**
   * The event a record holds, by its type header.
   *
   * @throws IllegalArgumentException if the header is missing, the type unknown or the value
   *     malformed (a tombstone has no value), naming the partition and offset
   */
  public static WorkloadEvent decode(ConsumerRecord<?, byte[]> record) {
    Header type = record.headers().lastHeader(TYPE_HEADER);
    if (type == null || record.value() == null) {
      throw new IllegalArgumentException("record " + record.topic() + "-" + record.partition() + "@"
          + record.offset() + " has no " + (type == null ? TYPE_HEADER + " header" : "value"));
    }
    try {
      return decode(new String(type.value(), StandardCharsets.UTF_8), record.value());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("record " + record.topic() + "-" + record.partition() + "@"
          + record.offset() + ": " + e.getMessage(), e);
    }
  }

  /** The event id a record carries, or null if it has no {@value #EVENT_ID_HEADER} header. */
  public static @org.jspecify.annotations.Nullable String eventId(ConsumerRecord<?, ?> record) {
    Header id = record.headers().lastHeader(EVENT_ID_HEADER);
    return id == null ? null : new String(id.value(), StandardCharsets.UTF_8);
  }

  /** How a Kafka source finds type, id, stream and time in these records. */
  public static RecordMapping mapping() {
    return RecordMapping.defaults().withTypeHeader(TYPE_HEADER);
  }

  /** How a Kafka source decodes these values: the same readers as {@link #decode(String, byte[])}. */
  public static PayloadDecoder decoder() {
    return WorkloadRecords::decode;
  }
}
