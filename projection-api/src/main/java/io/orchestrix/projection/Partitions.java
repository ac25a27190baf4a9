package io.orchestrix.projection;

import java.nio.charset.StandardCharsets;

/**
 * How an event or a document finds its partition: a stable hash of its partition key (the stream id
 * unless the projection says otherwise), modulo the number of partitions. The hash is MurmurHash3
 * (x86, 32-bit, seed 0) of the key's UTF-8 bytes with the sign bit cleared: the same in every JVM and
 * every release, so an event store may keep it beside each event and filter by partition on the
 * server. Stateless and thread-safe.
 */
public final class Partitions {

  private Partitions() {}

  /**
   * {@return the stable, non-negative hash of a partition key}
   *
   * @param key the partition key, such as a stream id; not null
   */
  public static int hash(String key) {
    byte[] data = key.getBytes(StandardCharsets.UTF_8);
    int h = 0;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8 | (data[4 * i + 2] & 0xff) << 16
          | (data[4 * i + 3] & 0xff) << 24;
      h ^= mix(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int tail = 0;
    switch (data.length & 3) {
      case 3:
        tail ^= (data[4 * blocks + 2] & 0xff) << 16;
        // fall through
      case 2:
        tail ^= (data[4 * blocks + 1] & 0xff) << 8;
        // fall through
      case 1:
        tail ^= data[4 * blocks] & 0xff;
        h ^= mix(tail);
        break;
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h & 0x7fffffff;
  }

  /**
   * The partition of a key among {@code count} partitions.
   *
   * @param key the partition key, such as a stream id; not null
   * @param count how many partitions, at least 1
   * @return the partition, 0 to count - 1; the same for the same key and count on every JVM
   * @throws IllegalArgumentException if count is below 1
   */
  public static int of(String key, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("partition count must be at least 1 but was " + count);
    }
    return count == 1 ? 0 : hash(key) % count;
  }

  private static int mix(int k) {
    k *= 0xcc9e2d51;
    k = Integer.rotateLeft(k, 15);
    return k * 0x1b873593;
  }
}
