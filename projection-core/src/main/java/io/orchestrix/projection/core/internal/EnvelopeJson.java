package io.orchestrix.projection.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole envelope as JSON, for dead letters: {@code eventId, streamId, position, occurredAt,
 * metadata, type, payload}. The payload's type is written by name through {@link EventTypes}, so a
 * retry reads it through the upcasters current at that time. Thread-safe.
 */
final class EnvelopeJson {

  private static final ObjectMapper MAPPER = JacksonDocumentCodec.defaultMapper();

  private final EventTypes types;

  EnvelopeJson(EventTypes types) {
    this.types = types;
  }

  String write(EventEnvelope<?> event) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("eventId", event.eventId());
    node.put("streamId", event.streamId());
    node.put("position", event.position());
    node.put("occurredAt", event.occurredAt().toString());
    ObjectNode metadata = node.putObject("metadata");
    event.metadata().forEach(metadata::put);
    Object payload = event.payload();
    try {
      node.put("type", types.nameOf(payload.getClass()));
      node.set("payload", MAPPER.readTree(types.toJson(payload)));
    } catch (SerializationException | java.io.IOException unserialisable) {
      // keep the dead letter all the same: its text form is what can be stored
      node.put("type", payload.getClass().getName());
      node.putNull("payload");
      node.put("payloadText", String.valueOf(payload));
      node.put("payloadError", unserialisable.getMessage());
    }
    return node.toString();
  }

  EventEnvelope<Object> read(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      JsonNode payload = node.get("payload");
      if (payload == null || payload.isNull()) {
        throw new SerializationException("the dead-lettered event " + node.path("eventId").asText()
            + " has no stored payload (" + node.path("payloadError").asText() + ")", null);
      }
      Object value = types.fromTree(node.get("type").asText(), payload);
      Map<String, String> metadata = new LinkedHashMap<>();
      node.path("metadata").fields()
          .forEachRemaining(entry -> metadata.put(entry.getKey(), entry.getValue().asText()));
      return new EventEnvelope<>(node.get("eventId").asText(), node.get("streamId").asText(),
          node.get("position").asLong(), Instant.parse(node.get("occurredAt").asText()), metadata,
          value);
    } catch (SerializationException e) {
      throw e;
    } catch (Exception e) {
      throw new SerializationException("cannot read a dead-lettered envelope: " + e.getMessage(), e);
    }
  }
}
