package io.orchestrix.projection;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Which events of a source one partition of a projection reads: those whose partition key falls in
 * {@code partition} of {@code count} ({@link Partitions#of}). The key is the stream id, unless the
 * projection gives a function of its own; a source can filter by stream id on its server (with
 * {@link Partitions#hash} kept beside each event), while a function of the payload can only be
 * applied to events once read. Immutable.
 *
 * @param partition this partition, 0 to count - 1
 * @param count how many partitions the projection has, at least 1
 * @param customKey the projection's own partition key, or null for the stream id
 */
public record PartitionFilter(
    int partition, int count, @Nullable Function<EventEnvelope<?>, String> customKey) {

  /** Every event: a projection that is not split. */
  public static final PartitionFilter ALL = new PartitionFilter(0, 1, null);

  /**
   * @param partition this partition, 0 to count - 1
   * @param count how many partitions, at least 1
   * @param customKey the projection's own partition key, or null for the stream id
   * @throws IllegalArgumentException if count is below 1 or the partition is outside 0 to count - 1
   */
  public PartitionFilter {
    if (count < 1 || partition < 0 || partition >= count) {
      throw new IllegalArgumentException(
          "partition must be 0 to count - 1 with count at least 1, but was " + partition + " of "
              + count);
    }
  }

  /**
   * {@return the partitions of the stream id}
   *
   * @param partition this partition, 0 to count - 1
   * @param count how many partitions, at least 1
   */
  public static PartitionFilter byStreamId(int partition, int count) {
    return new PartitionFilter(partition, count, null);
  }

  /** {@return whether every event is accepted} */
  public boolean acceptsAll() {
    return count == 1;
  }

  /** {@return whether the key is the stream id, so a source may filter on its server} */
  public boolean byStreamId() {
    return customKey == null;
  }

  /**
   * {@return whether an event belongs to this partition}
   *
   * @param event the event; not null
   */
  public boolean accepts(EventEnvelope<?> event) {
    if (count == 1) {
      return true;
    }
    String key = customKey == null ? event.streamId()
        : Objects.requireNonNull(customKey.apply(event), "the partition key function returned null");
    return Partitions.of(key, count) == partition;
  }
}
