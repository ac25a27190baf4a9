package io.orchestrix.projection.spi;

/**
 * Turns documents and event payloads into JSON and back. The engine uses Jackson by default; supply
 * your own to share an application's configured mapper. Implementations are thread-safe.
 */
public interface DocumentCodec {

  /**
   * The JSON text of a value.
   *
   * @param value the value to serialise; not null
   * @return the value as JSON text
   * @throws io.orchestrix.projection.SerializationException if it cannot be serialised
   */
  String encode(Object value);

  /**
   * A value of the given type read from JSON text.
   *
   * @param <T> the type to read
   * @param json JSON text; not null
   * @param type the class to read it as; not null
   * @return the value read
   * @throws io.orchestrix.projection.SerializationException if it cannot be read as that type
   */
  <T> T decode(String json, Class<T> type);
}
