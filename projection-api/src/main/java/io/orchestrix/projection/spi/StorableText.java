package io.orchestrix.projection.spi;

import io.orchestrix.projection.InvalidDocumentException;

/**
 * The one rule for text a store keeps: document ids, index values and the string values inside a
 * document are Unicode text that every store can keep exactly. Two characters break that rule and are
 * refused, before anything is written, on every store alike:
 *
 * <ul>
 *   <li>U+0000 (NUL), which PostgreSQL cannot hold in text or {@code jsonb}, and which C-based clients
 *       cut strings at;
 *   <li>an unpaired surrogate (a high surrogate not followed by a low one, or a low one alone), which
 *       is not a character at all and has no UTF-8 form: drivers replace it with {@code ?}, so two
 *       distinct ids could become one document.
 * </ul>
 *
 * <p>Every other code point, including non-characters such as U+FFFE and U+FFFF and characters
 * outside the Basic Multilingual Plane, is stored and read back exactly; the contract test kit checks
 * it on every store. Stateless and thread-safe.
 */
public final class StorableText {

  private StorableText() {}

  /**
   * {@return whether every character of the text can be stored exactly}
   *
   * @param text the text to check; not null
   */
  public static boolean isStorable(String text) {
    return firstUnstorable(text) < 0;
  }

  /**
   * Returns the text if it can be stored exactly.
   *
   * @param field what the text is, for the message ("document id", "index 'status'")
   * @param text the text to check; not null
   * @return the text, unchanged
   * @throws InvalidDocumentException naming the field, the character and its index
   */
  public static String requireStorable(String field, String text) {
    int at = firstUnstorable(text);
    if (at >= 0) {
      throw new InvalidDocumentException(field + " holds " + describe(text, at) + " at index " + at
          + ", which no store can keep exactly; remove it or encode the value");
    }
    return text;
  }

  /**
   * Checks the JSON text of a document: its raw characters and its {@code \}{@code u0000} escapes.
   *
   * @param readModel the document's read model, for the message
   * @param id the document's id, for the message
   * @param json the document's JSON text; not null
   * @throws InvalidDocumentException naming the read model, the id and the character
   */
  public static void requireStorableJson(String readModel, String id, String json) {
    int at = firstUnstorable(json);
    if (at < 0) {
      at = escapedNul(json);
    }
    if (at >= 0) {
      throw new InvalidDocumentException("document '" + id + "' of read model '" + readModel
          + "' holds " + (json.charAt(at) == '\\' ? "an escaped U+0000" : describe(json, at))
          + " in a value, which no store can keep exactly; remove it or encode the value");
    }
  }

  /** The index of the first character that cannot be stored, or -1. */
  private static int firstUnstorable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of a {@code \}{@code u0000} escape that is not itself an escaped backslash, or -1. */
  private static int escapedNul(String json) {
    int from = 0;
    while (true) {
      int at = json.indexOf("\\u0000", from);
      if (at < 0) {
        return -1;
      }
      int backslashes = 0;
      for (int i = at - 1; i >= 0 && json.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        return at;
      }
      from = at + 1;
    }
  }

  private static String describe(String text, int at) {
    char c = text.charAt(at);
    if (c == 0) {
      return "U+0000";
    }
    return String.format("an unpaired %s surrogate U+%04X",
        Character.isHighSurrogate(c) ? "high" : "low", (int) c);
  }
}
