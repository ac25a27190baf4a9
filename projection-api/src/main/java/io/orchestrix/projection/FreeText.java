package io.orchestrix.projection;

import org.jspecify.annotations.Nullable;

/**
 * Free-form text a store keeps beside the documents (error messages, stack traces, stored
 * envelopes), made storable on every store: an unpaired surrogate, which has no UTF-8 form, becomes
 * U+FFFD in plain text and a {@code \}{@code uXXXX} escape in JSON (so the envelope reads back the
 * same); U+0000 becomes U+FFFD in plain text. Stateless and thread-safe.
 */
final class FreeText {

  private FreeText() {}

  /** Plain text with U+0000 and unpaired surrogates replaced by U+FFFD. */
  static @Nullable String storable(@Nullable String text) {
    if (text == null || isClean(text)) {
      return text;
    }
    StringBuilder clean = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isPair(text, i)) {
        clean.append(c).append(text.charAt(++i));
      } else if (c == 0 || Character.isSurrogate(c)) {
        clean.append('\uFFFD');
      } else {
        clean.append(c);
      }
    }
    return clean.toString();
  }

  /** JSON text with every unpaired surrogate written as a {@code \}{@code u} escape. */
  static String storableJson(String json) {
    if (isClean(json)) {
      return json;
    }
    StringBuilder clean = new StringBuilder(json.length() + 16);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (isPair(json, i)) {
        clean.append(c).append(json.charAt(++i));
      } else if (Character.isSurrogate(c) || c == 0) {
        clean.append(String.format("\\u%04X", (int) c));
      } else {
        clean.append(c);
      }
    }
    return clean.toString();
  }

  private static boolean isPair(String text, int i) {
    return Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
        && Character.isLowSurrogate(text.charAt(i + 1));
  }

  private static boolean isClean(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        if (isPair(text, i)) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }
}
