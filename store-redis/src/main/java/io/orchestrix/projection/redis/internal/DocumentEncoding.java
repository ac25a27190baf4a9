package io.orchestrix.projection.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.StoredDocument;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How documents and their index values are kept. A document's value in its read model's documents
 * hash is
 *
 * <pre>[p{partition}:]{position}:{index section}{json}</pre>
 *
 * <p>the partition of the commit that last wrote it, if that commit was of one partition (a value
 * without it, such as every value written before partitions existed, was written by a commit that was
 * not partitioned), the decimal position of the last event that changed it, its index section, then its
 * JSON text. A value of a partition starts with {@code p}, any other with a digit, so the commit script
 * tells them apart by the first byte.
 * The index section is {@code {k}:} followed by {@code k} entries {@code {index}:{bytes}:{value}},
 * sorted by index name: the name, the byte length of the value's UTF-8 and the value. Index names hold
 * no {@code ':'} and values are length-prefixed, so nothing needs escaping, and equal index values
 * give equal sections.
 *
 * <p>{@code commit.lua} reads the stored values a commit replaces and compares their sections with the
 * new ones: sections are self-delimiting, so a stored value whose section starts with the new section's
 * bytes has the same index values, and the script does no index work (most updates leave index values
 * alone). Only when they differ does it parse the old section. Stateless and thread-safe.
 */
public final class DocumentEncoding {

  /** The partition of a document written by a commit that was not partitioned. */
  public static final int UNPARTITIONED = Commit.UNPARTITIONED;

  private static final byte[] NO_INDEX_VALUES = {'0', ':'};

  private DocumentEncoding() {}

  /** The index section of a document's index values. */
  public static byte[] indexSection(Map<String, String> indexValues) {
    if (indexValues.isEmpty()) {
      return NO_INDEX_VALUES;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + indexValues.size() * 32);
    writeAscii(out, Integer.toString(indexValues.size()));
    out.write(':');
    // sorted, so that equal index values give equal bytes whatever the map's order
    for (Map.Entry<String, String> entry : new TreeMap<>(indexValues).entrySet()) {
      writeAscii(out, entry.getKey());
      out.write(':');
      byte[] value = lengthPrefixed(entry.getValue());
      out.write(value, 0, value.length);
    }
    return out.toByteArray();
  }

  /** A value as it stands in an index section: {@code {bytes}:{value}}. */
  private static byte[] lengthPrefixed(String value) {
    byte[] bytes = value.getBytes(UTF_8);
    byte[] length = Integer.toString(bytes.length).getBytes(UTF_8);
    byte[] prefix = new byte[length.length + 1 + bytes.length];
    System.arraycopy(length, 0, prefix, 0, length.length);
    prefix[length.length] = ':';
    System.arraycopy(bytes, 0, prefix, length.length + 1, bytes.length);
    return prefix;
  }

  /** The stored value of a document, given its index section and its JSON as UTF-8. */
  public static byte[] encode(long position, byte[] indexSection, byte[] json) {
    return encode(UNPARTITIONED, position, indexSection, json);
  }

  /**
   * The stored value of a document written by a commit of {@code partition} (or
   * {@link #UNPARTITIONED}), given its index section and its JSON as UTF-8.
   */
  public static byte[] encode(int partition, long position, byte[] indexSection, byte[] json) {
    String start = partition == UNPARTITIONED ? "" : "p" + partition + ":";
    byte[] head = (start + position).getBytes(UTF_8);
    byte[] value = new byte[head.length + 1 + indexSection.length + json.length];
    System.arraycopy(head, 0, value, 0, head.length);
    value[head.length] = ':';
    System.arraycopy(indexSection, 0, value, head.length + 1, indexSection.length);
    System.arraycopy(json, 0, value, head.length + 1 + indexSection.length, json.length);
    return value;
  }

  /**
   * The document a stored value holds.
   *
   * @throws IllegalArgumentException if the value is not in this encoding
   */
  public static StoredDocument decode(String id, byte[] value) {
    Reader reader = new Reader(value);
    partition(reader);
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

  /**
   * The partition that last wrote a stored value, or {@link #UNPARTITIONED}.
   *
   * @throws IllegalArgumentException if the value is not in this encoding
   */
  public static int partition(byte[] value) {
    return partition(new Reader(value));
  }

  private static int partition(Reader reader) {
    if (reader.bytes.length == 0 || reader.bytes[0] != 'p') {
      return UNPARTITIONED;
    }
    reader.offset++;
    long partition = reader.number();
    if (partition > Integer.MAX_VALUE) {
      throw Reader.malformed();
    }
    return (int) partition;
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
