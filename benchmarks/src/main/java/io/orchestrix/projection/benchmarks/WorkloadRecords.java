package io.orchestrix.projection.benchmarks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The standard workload as Kafka records: the key is the order id (so an order's events share a
 * partition and keep their order), the value is the event as JSON ({@code unitPrice} as a plain
 * decimal number, which keeps its scale), and the header {@value #TYPE_HEADER} names the event type
 * ({@code OrderCreated}, {@code ItemAdded}, {@code OrderShipped}). Immutable and thread-safe.
 */
final class WorkloadRecords {

  /** The header that names the event type. */
  static final String TYPE_HEADER = "type";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final Map<String, ObjectReader> READERS = Map.of(
      OrderCreated.class.getSimpleName(), MAPPER.readerFor(OrderCreated.class),
      ItemAdded.class.getSimpleName(), MAPPER.readerFor(ItemAdded.class),
      OrderShipped.class.getSimpleName(), MAPPER.readerFor(OrderShipped.class));
  private static final ObjectWriter WRITER = MAPPER.writer();

  private WorkloadRecords() {}

  /** The event's type name, the value of its {@value #TYPE_HEADER} header. */
  static String type(WorkloadEvent event) {
    return event.getClass().getSimpleName();
  }

  /** The event as JSON. */
  static byte[] encode(WorkloadEvent event) {
    try {
      return WRITER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + event + " as JSON", e);
    }
  }

  /** A record of the event for the topic: key, JSON value and type header. */
  static ProducerRecord<String, byte[]> record(String topic, WorkloadEvent event, byte[] json) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(TYPE_HEADER, type(event).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, event.orderId(), json, headers);
  }

  /**
   * The event a value holds.
   *
   * @throws IllegalArgumentException if the type is unknown or the JSON does not fit it
   */
  static WorkloadEvent decode(String type, byte[] json) {
    ObjectReader reader = READERS.get(type);
    if (reader == null) {
      throw new IllegalArgumentException("unknown event type " + type);
    }
    try {
      return reader.readValue(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a " + type + ": " + new String(json, StandardCharsets.UTF_8), e);
    }
  }

  /**
   * The event a record holds, by its type header.
   *
   * @throws IllegalArgumentException if the header is missing, the type unknown or the value
   *     malformed (a tombstone has no value), naming the partition and offset
   */
  static WorkloadEvent decode(ConsumerRecord<String, byte[]> record) {
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
}
