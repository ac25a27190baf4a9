package io.orchestrix.projection.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A read-model document as a store holds it: id, JSON text and the value of each indexed field
 * (computed by the engine, so a store never parses JSON to index it). Immutable.
 *
 * <p>Ids are any non-empty string of at most {@link #MAX_ID_LENGTH} characters; a store must escape
 * whatever its keys need. An index whose value is absent from {@code indexValues} is null for this
 * document and it is not found under that index.
 *
 * @param id the document's id
 * @param json the document as a JSON object
 * @param indexValues index name to value
 */
public record StoredDocument(String id, String json, Map<String, String> indexValues) {

  /** Longest id accepted. */
  public static final int MAX_ID_LENGTH = 512;

  public StoredDocument {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(json, "json must not be null");
    requireValidId(id);
    indexValues = Map.copyOf(indexValues);
  }

  /**
   * Returns the id if it is acceptable as a document id.
   *
   * @throws IllegalArgumentException naming the id and the rule it breaks
   */
  public static String requireValidId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "document id must be 1 to " + MAX_ID_LENGTH + " characters but had " + id.length());
    }
    return id;
  }
}
