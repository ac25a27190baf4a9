package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Map;

/**
 * The sizes the JDBC store accepts: a document's JSON up to {@link #MAX_JSON_LENGTH} characters, an
 * index value up to {@link #MAX_INDEX_VALUE_LENGTH}. Stateless and thread-safe.
 */
public final class DocumentLimits {

  /** The longest document JSON accepted, in characters (4 MiB). */
  public static final int MAX_JSON_LENGTH = 4 * 1024 * 1024;
  /** The longest index value accepted, in characters: what the index columns hold. */
  public static final int MAX_INDEX_VALUE_LENGTH = 512;

  private DocumentLimits() {}

  /**
   * Refuses a document beyond the limits. Only lengths are compared, so the check costs a few
   * comparisons per document whatever its size.
   *
   * @throws InvalidDocumentException naming the read model, the id and the limit
   */
  public static void check(String readModel, StoredDocument document) {
    if (document.json().length() > MAX_JSON_LENGTH) {
      throw refused(readModel, document, "its JSON has " + document.json().length()
          + " characters, more than the " + MAX_JSON_LENGTH + " the JDBC store accepts");
    }
    for (Map.Entry<String, String> index : document.indexValues().entrySet()) {
      if (index.getValue().length() > MAX_INDEX_VALUE_LENGTH) {
        throw refused(readModel, document, "its value of index '" + index.getKey() + "' has "
            + index.getValue().length() + " characters, more than the " + MAX_INDEX_VALUE_LENGTH
            + " the JDBC store accepts");
      }
    }
  }

  private static InvalidDocumentException refused(String readModel, StoredDocument document,
      String reason) {
    String id = document.id();
    return new InvalidDocumentException("read model '" + readModel + "' cannot store document '"
        + (id.length() <= 80 ? id : id.substring(0, 77) + "...") + "': " + reason);
  }
}
