package io.orchestrix.projection;

import java.time.Duration;
import java.util.List;

/**
 * Where a tracking runner reads events from: an ordered log that can be read after any position, in
 * bounded pages. Implementations are thread-safe.
 *
 * <p>Contract: {@link #read} returns events in strictly increasing position order, all greater than
 * {@code afterPosition}; it never returns an event and later returns a new one at a lower position
 * (an event store must make commits visible in position order, or only hand out positions below a
 * point where no earlier transaction can still commit). Positions may have gaps.
 */
public interface EventSource {

  /**
   * Up to {@code limit} events with positions above {@code afterPosition}, in order.
   *
   * @param afterPosition the position to read after; 0 reads from the start
   * @param limit the most events to return, at least 1
   * @return the events, empty if none is there yet
   * @throws StoreException if the source cannot be read (transient for outages)
   */
  List<EventEnvelope<?>> read(long afterPosition, int limit);

  /**
   * Up to {@code limit} events of one partition with positions above {@code afterPosition}, and how
   * far the source looked (see {@link EventPage}). The default reads unfiltered pages and keeps the
   * partition's events, looking at most a few pages ahead; a source that can filter on its server (by
   * a stored {@link Partitions#hash} of the stream id) overrides it so that each partition reads only
   * its own events.
   *
   * @param afterPosition the position to read after; 0 reads from the start
   * @param limit the most events to return, at least 1
   * @param filter which events the partition takes; not null
   * @return the partition's events and the position the source looked up to
   * @throws StoreException if the source cannot be read (transient for outages)
   */
  default EventPage read(long afterPosition, int limit, PartitionFilter filter) {
    if (filter.acceptsAll()) {
      List<EventEnvelope<?>> page = read(afterPosition, limit);
      return new EventPage(page, page.isEmpty() ? afterPosition : page.get(page.size() - 1).position());
    }
    List<EventEnvelope<?>> accepted = new java.util.ArrayList<>();
    long scanned = afterPosition;
    for (int pages = 0; pages < 4 && accepted.size() < limit; pages++) {
      List<EventEnvelope<?>> page = read(scanned, limit);
      for (EventEnvelope<?> event : page) {
        if (accepted.size() == limit) {
          return new EventPage(accepted, scanned);
        }
        if (filter.accepts(event)) {
          accepted.add(event);
        }
        scanned = event.position();
      }
      if (page.size() < limit) {
        break;
      }
    }
    return new EventPage(accepted, scanned);
  }

  /**
   * {@return the highest position that {@link #read} could return now, 0 if the source is empty}
   */
  long headPosition();

  /**
   * Waits until events after {@code afterPosition} may be available, or the timeout passes. Returns
   * true if an append was seen. The default waits for nothing and returns false, so the runner falls
   * back to polling with backoff; a source with notifications (an in-memory log, PostgreSQL
   * LISTEN/NOTIFY) overrides it to cut the lag.
   *
   * @param afterPosition the position the caller has read up to
   * @param timeout the longest time to wait; not null
   * @return whether an append after {@code afterPosition} was seen
   * @throws InterruptedException if the waiting thread is interrupted
   */
  default boolean awaitAppend(long afterPosition, Duration timeout) throws InterruptedException {
    return false;
  }
}
