package io.orchestrix.projection;

import java.util.List;

/**
 * A page read from an event source for one partition: its events, in position order, and how far the
 * source looked. Every event of the partition at or below {@code scannedTo} is in the page (or was at
 * or below the position read after), so the partition's checkpoint may move to {@code scannedTo} once
 * the page is applied, even if the page is empty: an idle partition is not left behind. Immutable.
 *
 * @param events the partition's events, strictly increasing positions
 * @param scannedTo the highest position the source looked at, at least the last event's position
 */
public record EventPage(List<EventEnvelope<?>> events, long scannedTo) {

  /**
   * @param events the events; copied
   * @param scannedTo the highest position the source looked at
   * @throws IllegalArgumentException if scannedTo is below the last event's position
   */
  public EventPage {
    events = List.copyOf(events);
    if (!events.isEmpty() && events.get(events.size() - 1).position() > scannedTo) {
      throw new IllegalArgumentException("scannedTo " + scannedTo
          + " is below the position of the page's last event");
    }
  }
}
