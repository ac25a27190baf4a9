package io.orchestrix.projection.examples;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import io.orchestrix.projection.examples.workload.StandardWorkload;
import io.orchestrix.projection.examples.workload.WorkloadEvent;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The standard workload in a {@link JdbcEventStore}: its event type names, an append that continues
 * the stored stream from the store's head (the event at position p is the workload's p-th event), and
 * a lazily paged reading of the stored events. Stateless.
 */
final class WorkloadEventStore {

  /**
   * The workload's event types under short, stable names. Payloads are read with decimals as
   * {@code BigDecimal} and kept exact (Jackson's tree would strip trailing zeros), so a unit price comes back with the scale it was written with ({@code 22.70},
   * not the {@code double} 22.7) and the stored stream has the workload's fingerprint.
   */
  static final EventTypes TYPES = EventTypes.builder()
      .mapper(JacksonDocumentCodec.defaultMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true)))
      .register("OrderCreated", WorkloadEvent.OrderCreated.class)
      .register("ItemAdded", WorkloadEvent.ItemAdded.class)
      .register("OrderShipped", WorkloadEvent.OrderShipped.class)
      .build();

  /** Events read per page when the stored stream is checked against the workload. */
  private static final int CHECK_PAGE = 1_000;

  private WorkloadEventStore() {}

  /** Opens the event store on a JDBC URL with the workload's types. */
  static JdbcEventStore open(String url, Map<String, String> properties) {
    return JdbcEventStore.open(url, TYPES, properties);
  }

  /**
   * What {@link #append} did.
   *
   * @param fromHead the store's head before
   * @param toHead the store's head after
   * @param appends append calls (transactions) made
   * @param nanos how long the appends took
   */
  record Appended(long fromHead, long toHead, long appends, long nanos) {
    long events() {
      return toHead - fromHead;
    }

    double eventsPerSecond() {
      return nanos == 0 ? 0 : events() * 1e9 / nanos;
    }
  }

  /**
   * Makes the store hold exactly the workload's events: checks that the stored events are the
   * workload's first ones (payload by payload), then appends the rest in stream order, about
   * {@code maxPerAppend} events per transaction ({@link JdbcEventStore#appendAll}), each order's
   * events with the order's expected version.
   *
   * @throws WorkloadMismatchException if the store holds other events, more events than the workload,
   *     or another process appends at the same time
   */
  static Appended append(JdbcEventStore store, StandardWorkload workload, int maxPerAppend) {
    return append(store, workload, maxPerAppend, workload.events());
  }

  /**
   * As {@link #append(JdbcEventStore, StandardWorkload, int)}, but stops at the first transaction
   * that reaches {@code stopAfter}: the store then holds a prefix of the workload, which a later
   * append completes. Lets a demonstration or a test append in steps.
   */
  static Appended append(JdbcEventStore store, StandardWorkload workload, int maxPerAppend,
      long stopAfter) {
    long head = store.headPosition();
    if (head > workload.events()) {
      throw new WorkloadMismatchException(String.format(
          "the event store holds %,d events, more than the %,d of this workload; give --events %d"
              + " or use another table prefix", head, workload.events(), head));
    }
    Iterator<EventEnvelope<WorkloadEvent>> generated = workload.iterator();
    Map<String, Integer> versions = new HashMap<>();
    long checked = 0;
    while (checked < head) {
      List<EventEnvelope<?>> page = store.read(checked, (int) Math.min(CHECK_PAGE, head - checked));
      if (page.isEmpty()) {
        throw new WorkloadMismatchException("the event store's head is " + head
            + " but no event after position " + checked + " could be read");
      }
      for (EventEnvelope<?> stored : page) {
        EventEnvelope<WorkloadEvent> expected = generated.next();
        checked++;
        if (stored.position() != checked || !(stored.payload() instanceof WorkloadEvent event)
            || !event.canonical().equals(expected.payload().canonical())) {
          throw new WorkloadMismatchException(String.format(
              "the event at position %,d is not the workload's: stored %s, expected %s; the store"
                  + " holds another stream (a workload of another --events?), use another table"
                  + " prefix", stored.position(), describe(stored), expected.payload().canonical()));
        }
        count(versions, event.orderId());
      }
    }
    long started = System.nanoTime();
    long appends = 0;
    long position = head;
    List<JdbcEventStore.StreamAppend> parts = new ArrayList<>();
    int pending = 0;
    ArrayDeque<WorkloadEvent> run = new ArrayDeque<>();
    while ((generated.hasNext() || !run.isEmpty()) && position < stopAfter) {
      WorkloadEvent next = generated.hasNext() ? generated.next().payload() : null;
      if (!run.isEmpty() && (next == null || !next.orderId().equals(run.peek().orderId()))) {
        String stream = run.peek().orderId();
        parts.add(new JdbcEventStore.StreamAppend(stream, versions.getOrDefault(stream, 0),
            new ArrayList<>(run)));
        pending += run.size();
        run.forEach(event -> count(versions, event.orderId()));
        run.clear();
        if (pending >= maxPerAppend || next == null) {
          long last = store.appendAll(parts);
          appends++;
          position += pending;
          if (last != position) {
            throw new WorkloadMismatchException(String.format("another process appended to the"
                + " event store at the same time: an append took up to position %,d, expected %,d",
                last, position));
          }
          parts.clear();
          pending = 0;
        }
      }
      if (next != null) {
        run.add(next);
      }
    }
    return new Appended(head, position, appends, System.nanoTime() - started);
  }

  private static void count(Map<String, Integer> versions, String orderId) {
    int version = versions.getOrDefault(orderId, 0) + 1;
    if (version == StandardWorkload.EVENTS_PER_ORDER) {
      versions.remove(orderId); // the order is complete: keep only the orders in flight
    } else {
      versions.put(orderId, version);
    }
  }

  private static String describe(EventEnvelope<?> stored) {
    return stored.payload() instanceof WorkloadEvent event
        ? event.canonical() + " at position " + stored.position()
        : stored.payloadTypeName() + " at position " + stored.position();
  }

  /**
   * The source's events after {@code after} up to {@code upTo}, read lazily {@code pageSize} at a
   * time, so any number of them is iterated in bounded memory. If a read stops short of
   * {@code upTo} (an event committed but not yet visible), the next read waits a little.
   */
  static Iterable<EventEnvelope<?>> events(EventSource source, long after, long upTo, int pageSize) {
    return () -> new Iterator<>() {
      private Iterator<EventEnvelope<?>> page = List.<EventEnvelope<?>>of().iterator();
      private long position = after;

      @Override
      public boolean hasNext() {
        while (!page.hasNext() && position < upTo) {
          List<EventEnvelope<?>> read =
              source.read(position, (int) Math.min(pageSize, upTo - position));
          if (read.isEmpty()) {
            pause();
          }
          page = read.iterator();
          if (!read.isEmpty()) {
            return true;
          }
        }
        return page.hasNext();
      }

      @Override
      public EventEnvelope<?> next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no event after position " + position);
        }
        EventEnvelope<?> event = page.next();
        position = event.position();
        return event;
      }
    };
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for events", e);
    }
  }

  /** The store's events are not the workload's, or cannot be made so: the user's to act on. */
  static final class WorkloadMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WorkloadMismatchException(String message) {
      super(message);
    }
  }
}
