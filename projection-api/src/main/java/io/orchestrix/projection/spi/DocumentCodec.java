package io.orchestrix.projection.spi;

/**
 * Turns documents and event payloads into JSON and back. The engine uses Jackson by default; supply
 * your own to share an application's configured mapper. Implementations are thread-safe.
 */
public interface DocumentCodec {

  /**
   * The JSON text of a value.
   *
   * @throws io.orchestrix.projection.SerializationException if it cannot be serialised
   */
  String encode(Object value);

  /**
   * A value of the given type read from JSON text.
   *
   * @throws io.orchestrix.projection.SerializationException if it cannot be read as that type
   */
  <T> T decode(String json, Class<T> type);
}
