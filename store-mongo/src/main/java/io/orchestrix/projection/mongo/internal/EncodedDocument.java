package io.orchestrix.projection.mongo.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.bson.RawBsonDocument;

/**
 * A document's {@code latest} sub-document as BSON bytes, made by {@link ReadModelDocuments#encode},
 * whose writer token, commit sequence and partition are filled in once, by the commit that writes it.
 * The position, writer token and sequence come first, in a fixed order, as 64-bit integers, then the
 * partition as a 32-bit integer, so they sit at fixed offsets: filling them in writes 20 bytes instead
 * of converting the document again. Not thread-safe: one commit owns it.
 */
public final class EncodedDocument {

  /** The field of the position of the last event that changed the document. */
  public static final String POSITION = "position";
  /** The field of the fencing token of the commit that wrote the document. */
  public static final String WRITER = "writer";
  /** The field of the sequence number of the commit that wrote the document. */
  public static final String SEQUENCE = "sequence";
  /**
   * The field of the partition of the commit that wrote the document, -1 for a commit that is not
   * partitioned; documents stored before the store kept partitions lack it, which means -1 too.
   */
  public static final String PARTITION = "partition";

  /** Offset of an int64 value: after its type byte, its name and the name's NUL. */
  private static final int WRITER_OFFSET = 4 + element(POSITION) + 1 + bytes(WRITER) + 1;
  private static final int SEQUENCE_OFFSET = 4 + element(POSITION) + element(WRITER) + 1
      + bytes(SEQUENCE) + 1;
  private static final int PARTITION_OFFSET = 4 + element(POSITION) + element(WRITER)
      + element(SEQUENCE) + 1 + bytes(PARTITION) + 1;

  private final byte[] bytes;
  private final int length;
  private boolean used;

  EncodedDocument(byte[] bytes, int length) {
    this.bytes = bytes;
    this.length = length;
  }

  /** The BSON size of the sub-document. */
  public int size() {
    return length;
  }

  /**
   * The sub-document with the commit's writer token, sequence and partition
   * ({@link io.orchestrix.projection.spi.Commit#UNPARTITIONED} for a commit that is not partitioned).
   * Called once.
   *
   * @throws IllegalStateException if called a second time
   */
  public RawBsonDocument latest(long writerToken, long sequence, int partition) {
    if (used) {
      throw new IllegalStateException("an encoded document is written by one commit only");
    }
    used = true;
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(WRITER_OFFSET, writerToken);
    buffer.putLong(SEQUENCE_OFFSET, sequence);
    buffer.putInt(PARTITION_OFFSET, partition);
    return new RawBsonDocument(bytes, 0, length);
  }

  /** The bytes of an int64 element: type, name, NUL, value. */
  private static int element(String name) {
    return 1 + bytes(name) + 1 + Long.BYTES;
  }

  private static int bytes(String name) {
    return name.getBytes(StandardCharsets.UTF_8).length;
  }
}
