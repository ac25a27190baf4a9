package io.orchestrix.projection.examples.workload;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.examples.workload.WorkloadEvent.ItemAdded;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderCreated;
import io.orchestrix.projection.examples.workload.WorkloadEvent.OrderShipped;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The standard workload's event stream of {@code WORKLOAD.md}: N events of N/5 orders, each order
 * emitting {@code OrderCreated}, three {@code ItemAdded} and {@code OrderShipped}, interleaved by
 * {@code new Random(42)} over a window of at most 100 orders in flight. Positions are 1..N in emission
 * order, the stream id is the order id, and the event id is a name-based UUID of the position, so two
 * generations of the same N are equal event for event.
 *
 * <p>Immutable and thread-safe; each {@link #iterator()} generates the stream afresh and lazily, in
 * memory bounded by the window, so a million events need not be held at once.
 */
public final class StandardWorkload implements Iterable<EventEnvelope<WorkloadEvent>> {

  /** The seed of the interleaving. */
  public static final long SEED = 42;
  /** How many orders are in flight at most. */
  public static final int WINDOW = 100;
  /** Events per order. */
  public static final int EVENTS_PER_ORDER = 5;
  /** The {@code occurredAt} of position 0; position p occurred p milliseconds later. */
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private static final String[] CARRIERS = {"DHL", "UPS", "FEDEX", "USPS"};

  private final int events;

  private StandardWorkload(int events) {
    this.events = events;
  }

  /**
   * The workload of {@code events} events.
   *
   * @throws IllegalArgumentException if {@code events} is not a positive multiple of 5
   */
  public static StandardWorkload of(int events) {
    if (events <= 0 || events % EVENTS_PER_ORDER != 0) {
      throw new IllegalArgumentException(
          "events must be a positive multiple of 5 but was " + events);
    }
    return new StandardWorkload(events);
  }

  /** N, the number of events. */
  public int events() {
    return events;
  }

  /** N/5, the number of orders. */
  public int orders() {
    return events / EVENTS_PER_ORDER;
  }

  /** The id of order {@code i}, which is also its stream id and its document id. */
  public static String orderId(int order) {
    return "order-" + order;
  }

  /** The deterministic event id of a position: a name-based (version 3) UUID. */
  public static String eventId(long position) {
    return UUID.nameUUIDFromBytes(
        ("orchestrix-standard-workload/" + position).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * The {@code step}-th event (0 to 4) of order {@code order}: its fields are the functions of
   * {@code WORKLOAD.md}.
   */
  public static WorkloadEvent event(int order, int step) {
    String orderId = orderId(order);
    switch (step) {
      case 0: {
        int customer = (int) ((7L * order) % 1000);
        return new OrderCreated(orderId, "cust-" + customer, "Customer " + customer);
      }
      case 1:
      case 2:
      case 3: {
        int k = step - 1;
        return new ItemAdded(orderId, "item-" + ((3L * order + k) % 100),
            1 + (int) ((order + (long) k) % 5),
            BigDecimal.valueOf(100 + ((31L * order + 17L * k) % 9900), 2));
      }
      case 4:
        return new OrderShipped(orderId, CARRIERS[order % 4], "TRK-" + order);
      default:
        throw new IllegalArgumentException("step must be 0 to 4 but was " + step);
    }
  }

  /** A fresh, lazy generation of the stream. */
  @Override
  public Iterator<EventEnvelope<WorkloadEvent>> iterator() {
    return new Generator(events, orders());
  }

  /** The stream, lazily. */
  public Stream<EventEnvelope<WorkloadEvent>> stream() {
    return StreamSupport.stream(Spliterators.spliterator(iterator(), events,
        Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
  }

  /** Every event, in memory, in stream order (what the benchmarks append before the clock runs). */
  public List<EventEnvelope<WorkloadEvent>> toList() {
    List<EventEnvelope<WorkloadEvent>> all = new ArrayList<>(events);
    iterator().forEachRemaining(all::add);
    return all;
  }

  @Override
  public String toString() {
    return "StandardWorkload[events=" + events + ", orders=" + orders() + "]";
  }

  /** The interleaving of WORKLOAD.md; holds only the window of orders in flight. */
  private static final class Generator implements Iterator<EventEnvelope<WorkloadEvent>> {
    private final int events;
    private final int orders;
    private final Random random = new Random(SEED);
    private final int[] inFlight = new int[WINDOW];
    private final int[] emitted = new int[WINDOW];
    private int size;
    private int nextOrder;
    private long position;

    Generator(int events, int orders) {
      this.events = events;
      this.orders = orders;
    }

    @Override
    public boolean hasNext() {
      return position < events;
    }

    @Override
    public EventEnvelope<WorkloadEvent> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the workload has " + events + " events");
      }
      while (size < WINDOW && nextOrder < orders) {
        inFlight[size] = nextOrder++;
        emitted[size] = 0;
        size++;
      }
      int j = random.nextInt(size);
      int order = inFlight[j];
      int step = emitted[j]++;
      if (emitted[j] == EVENTS_PER_ORDER) {
        size--;
        inFlight[j] = inFlight[size];
        emitted[j] = emitted[size];
      }
      position++;
      WorkloadEvent event = event(order, step);
      return EventEnvelope.of(eventId(position), event.orderId(), position,
          EPOCH.plusMillis(position), event);
    }
  }
}
