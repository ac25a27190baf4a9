package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventPage;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.PartitionFilter;
import java.util.List;

/**
 * Reads a worker's next page from its source: every event, or one partition's events with how far the
 * source looked for them. Stateless apart from its configuration; used by one worker thread.
 */
final class PageReader {

  private final EventSource source;
  private final PartitionFilter filter;
  private final int batchSize;

  PageReader(EventSource source, PartitionFilter filter, int batchSize) {
    this.source = source;
    this.filter = filter;
    this.batchSize = batchSize;
  }

  /**
   * The events after a position, at most a batch of them, and how far the source looked: the last
   * event's position, or more for a partition whose source skipped other partitions' events.
   *
   * @throws io.orchestrix.projection.ProjectionException if the source cannot be read
   */
  EventPage read(long after) {
    if (filter.acceptsAll()) {
      List<EventEnvelope<?>> page = source.read(after, batchSize);
      return new EventPage(page, page.isEmpty() ? after : page.get(page.size() - 1).position());
    }
    return source.read(after, batchSize, filter);
  }

  /** The source's head, at least the given position. */
  long head(long atLeast) {
    return Math.max(source.headPosition(), atLeast);
  }
}
