package io.orchestrix.projection.spi;

import io.orchestrix.projection.InvalidDocumentException;
import java.util.Map;
import java.util.Objects;

/**
 * A read-model document as a store holds it: id, JSON text, the value of each indexed field (computed
 * by the engine, so a store never parses JSON to index it) and the position of the last event that
 * changed it. Immutable.
 *
 * <p>Ids are any non-empty string of at most {@link #MAX_ID_LENGTH} characters that
 * {@link StorableText} accepts; a store must escape whatever its keys need and keep the id exactly.
 * Index values and the JSON's string values follow the same rule. An index whose value is absent from
 * {@code indexValues} is null for this document and it is not found under that index.
 *
 * <p>{@code position} lets a store without multi-document transactions keep invariant 1 (exactly-once
 * effect): if a commit was cut short after some documents were written, the engine, processing the
 * events again, ignores writes to a document from events at or below the document's stored position,
 * because their effect is already in it (only for stores whose
 * {@link ProjectionStore#commitsAtomically()} is false). A store that commits atomically may store it
 * or return 0.
 *
 * @param id the document's id
 * @param json the document as a JSON object
 * @param indexValues index name to value
 * @param position the position of the last event that changed the document, 0 if unknown
 */
public record StoredDocument(String id, String json, Map<String, String> indexValues, long position) {

  /** Longest id accepted, in UTF-16 code units. */
  public static final int MAX_ID_LENGTH = 512;

  /**
   * @param id the document's id
   * @param json the document as a JSON object; not null
   * @param indexValues index name to value; copied
   * @param position the position of the last event that changed it, 0 or more
   * @throws InvalidDocumentException if the id is empty, too long or holds a character no store can
   *     keep, or an index value holds such a character
   * @throws IllegalArgumentException if the position is negative
   */
  public StoredDocument {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(json, "json must not be null");
    requireValidId(id);
    indexValues = Map.copyOf(indexValues);
    indexValues.forEach((index, value) ->
        StorableText.requireStorable("index '" + index + "' of document '" + id + "'", value));
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative but was " + position);
    }
  }

  /**
   * A document with no known position.
   *
   * @param id the document's id
   * @param json the document as a JSON object; not null
   * @param indexValues index name to value; copied
   */
  public StoredDocument(String id, String json, Map<String, String> indexValues) {
    this(id, json, indexValues, 0);
  }

  /**
   * Returns the id if it is acceptable as a document id.
   *
   * @param id the id to check; not null
   * @return the id, unchanged
   * @throws InvalidDocumentException naming the id and the rule it breaks
   */
  public static String requireValidId(String id) {
    if (!isValidId(id)) {
      if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
        throw new InvalidDocumentException(
            "document id must be 1 to " + MAX_ID_LENGTH + " characters but had " + id.length());
      }
      StorableText.requireStorable("document id", id);
    }
    return id;
  }

  /**
   * {@return whether an id is acceptable: a lookup by any other id finds nothing, without asking a
   * store}
   *
   * @param id the id to check; not null
   */
  public static boolean isValidId(String id) {
    return !id.isEmpty() && id.length() <= MAX_ID_LENGTH && StorableText.isStorable(id);
  }
}
