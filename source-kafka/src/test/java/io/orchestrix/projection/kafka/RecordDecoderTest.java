package io.orchestrix.projection.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.core.json.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

  record Shipped(String order) {}

  private static final EventTypes TYPES = EventTypes.builder().register("Shipped", Shipped.class).build();

  private static ConsumerRecord<byte[], byte[]> record(String key, String value, String... headers) {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 3, 41, 1_700_000_000_000L,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8), new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.empty());
    for (int i = 0; i < headers.length; i += 2) {
      record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  @Test
  void byDefaultTheTypeComesFromItsHeaderTheStreamFromTheKeyAndTheIdFromTheCoordinates() {
    EventEnvelope<?> event = new RecordDecoder(PayloadDecoder.json(TYPES), RecordMapping.defaults())
        .decode(record("order-9", "{\"order\":\"order-9\"}", "event-type", "Shipped"));

    assertThat(event.payload()).isEqualTo(new Shipped("order-9"));
    assertThat(event.position()).as("offset + 1").isEqualTo(42);
    assertThat(event.eventId()).isEqualTo("orders-3-41");
    assertThat(event.streamId()).isEqualTo("order-9");
    assertThat(event.occurredAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(event.metadata()).containsAllEntriesOf(
        Map.of("kafka.topic", "orders", "kafka.partition", "3", "kafka.offset", "41"));
  }

  @Test
  void headersNamedByTheMappingWinOverKeyTimestampAndCoordinates() {
    RecordMapping mapping = RecordMapping.defaults().withFixedType("Shipped")
        .withStreamIdHeader("aggregate").withTimeHeader("occurred");
    EventEnvelope<?> event = new RecordDecoder(PayloadDecoder.json(TYPES), mapping)
        .decode(record(null, "{\"order\":\"o\"}", "event-id", "e-1", "aggregate", "agg-1",
            "occurred", "2026-01-02T03:04:05Z", "event-type", "Ignored"));

    assertThat(event.payload()).isEqualTo(new Shipped("o"));
    assertThat(event.eventId()).isEqualTo("e-1");
    assertThat(event.streamId()).isEqualTo("agg-1");
    assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
  }

  @Test
  void aRecordWithoutKeyIsAStreamOfItsPartitionAndAnUnknownTypeIsUndecodable() {
    EventEnvelope<?> event = new RecordDecoder(PayloadDecoder.json(TYPES), RecordMapping.defaults())
        .decode(record(null, "{}", "event-type", "Refunded"));

    assertThat(event.streamId()).isEqualTo("orders-3");
    assertThat(event.payload()).isInstanceOfSatisfying(UndecodableRecord.class, undecodable -> {
      assertThat(undecodable.offset()).isEqualTo(41);
      assertThat(undecodable.typeName()).isEqualTo("Refunded");
      assertThat(undecodable.error()).contains("unknown event type 'Refunded'");
      assertThat(new String(java.util.Base64.getDecoder().decode(undecodable.valueBase64()),
          StandardCharsets.UTF_8)).isEqualTo("{}");
    });
  }
}
