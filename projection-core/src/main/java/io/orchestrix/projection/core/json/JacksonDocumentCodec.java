package io.orchestrix.projection.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.spi.DocumentCodec;
import java.util.Objects;

/**
 * The default {@link DocumentCodec}: Jackson, with Java time support, records, decimals written in
 * plain notation and read exactly (scale included, also through JSON trees), and unknown properties
 * ignored so read models can evolve.
 * Thread-safe.
 */
public final class JacksonDocumentCodec implements DocumentCodec {

  private final ObjectMapper mapper;

  private JacksonDocumentCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** {@return a codec with this library's default mapper} */
  public static JacksonDocumentCodec create() {
    return new JacksonDocumentCodec(defaultMapper());
  }

  /**
   * {@return a codec over an application's own mapper, used as it is}
   *
   * @param mapper the application's mapper; not null
   */
  public static JacksonDocumentCodec using(ObjectMapper mapper) {
    return new JacksonDocumentCodec(Objects.requireNonNull(mapper, "mapper must not be null"));
  }

  /** {@return a new mapper configured as this library's default} */
  public static ObjectMapper defaultMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
        // JSON trees (upcasting, dead-lettered envelopes) keep a decimal's scale: 22.70 stays 22.70
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  }

  /** {@return the mapper this codec uses} */
  public ObjectMapper mapper() {
    return mapper;
  }

  @Override
  public String encode(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new SerializationException(
          "cannot serialise " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public <T> T decode(String json, Class<T> type) {
    try {
      T value = mapper.readValue(json, type);
      if (value == null) {
        throw new SerializationException("JSON 'null' is not a " + type.getName(), null);
      }
      return value;
    } catch (JsonProcessingException | RuntimeException e) {
      if (e instanceof SerializationException se) {
        throw se;
      }
      throw new SerializationException(
          "cannot read JSON as " + type.getName() + ": " + e.getMessage(), e);
    }
  }
}
