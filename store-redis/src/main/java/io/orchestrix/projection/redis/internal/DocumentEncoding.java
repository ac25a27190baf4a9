package io.orchestrix.projection.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.orchestrix.projection.spi.StoredDocument;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A document's value in its read model's documents hash:
 *
 * <pre>{position}:{k}:{index}:{bytes}:{value}...{json}</pre>
 *
 * <p>the decimal position of the last event that changed it, the number {@code k} of index values,
 * then each index name with the byte length of its UTF-8 value and the value, and last the JSON text.
 * Index names hold no {@code ':'} and values are length-prefixed, so nothing needs escaping. The index
 * values travel with the document so that a read returns the whole {@link StoredDocument} from one
 * hash field; the Lua scripts never parse this value (they keep their own copy of each index value in
 * the {@code iv} hashes). Stateless and thread-safe.
 */
public final class DocumentEncoding {

  private DocumentEncoding() {}

  /** The stored value of a document whose JSON is already encoded as UTF-8. */
  public static byte[] encode(long position, Map<String, String> indexValues, byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 32 + indexValues.size() * 32);
    writeAscii(out, Long.toString(position));
    out.write(':');
    writeAscii(out, Integer.toString(indexValues.size()));
    out.write(':');
    // sorted, so that equal documents have equal bytes whatever the map's order
    for (Map.Entry<String, String> entry : new TreeMap<>(indexValues).entrySet()) {
      byte[] value = entry.getValue().getBytes(UTF_8);
      writeAscii(out, entry.getKey());
      out.write(':');
      writeAscii(out, Integer.toString(value.length));
      out.write(':');
      out.write(value, 0, value.length);
    }
    out.write(json, 0, json.length);
    return out.toByteArray();
  }

  /**
   * The document a stored value holds.
   *
   * @throws IllegalArgumentException if the value is not in this encoding
   */
  public static StoredDocument decode(String id, byte[] value) {
    Reader reader = new Reader(value);
    long position = reader.number();
    long count = reader.number();
    Map<String, String> indexValues = count == 0 ? Map.of() : new LinkedHashMap<>();
    for (long i = 0; i < count; i++) {
      String name = reader.token();
      int length = (int) reader.number();
      indexValues.put(name, reader.text(length));
    }
    return new StoredDocument(id, reader.text(value.length - reader.offset), indexValues, position);
  }

  /** The number of bytes a string takes in UTF-8, counted without encoding it. */
  public static long utf8Length(String text) {
    long bytes = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static void writeAscii(ByteArrayOutputStream out, String text) {
    for (int i = 0; i < text.length(); i++) {
      out.write(text.charAt(i));
    }
  }

  private static final class Reader {
    private final byte[] bytes;
    private int offset;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    long number() {
      int start = offset;
      long result = 0;
      while (offset < bytes.length && bytes[offset] != ':') {
        byte digit = bytes[offset];
        if (digit < '0' || digit > '9' || offset - start >= 19) {
          throw malformed();
        }
        try {
          result = Math.addExact(Math.multiplyExact(result, 10), digit - '0');
        } catch (ArithmeticException overflow) {
          throw malformed();
        }
        offset++;
      }
      if (offset == start || offset == bytes.length) {
        throw malformed();
      }
      offset++;
      return result;
    }

    String token() {
      int start = offset;
      while (offset < bytes.length && bytes[offset] != ':') {
        offset++;
      }
      if (offset == start || offset == bytes.length) {
        throw malformed();
      }
      String token = new String(bytes, start, offset - start, UTF_8);
      offset++;
      return token;
    }

    String text(int length) {
      if (length < 0 || offset + length > bytes.length) {
        throw malformed();
      }
      String text = new String(bytes, offset, length, UTF_8);
      offset += length;
      return text;
    }

    private static IllegalArgumentException malformed() {
      return new IllegalArgumentException("not a document written by this store");
    }
  }
}
