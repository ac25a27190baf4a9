package io.orchestrix.projection.eventstore.jdbc;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.json.EventTypes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Event payloads, type registries and a counting projection shared by the event store's tests. */
final class EventFixtures {

  private EventFixtures() {}

  record Opened(String account, String owner) {}

  record Deposited(String account, long amount) {}

  /** The current version of a renamed event: "Withdrawn.v1" had {@code sum}, v2 has {@code amount} and {@code currency}. */
  record Withdrawn(String account, long amount, String currency) {}

  /** The old shape, written by an older version of the application. */
  record WithdrawnV1(String account, long sum) {}

  /** One event of the concurrency tests: the writer's stream and its sequence number in it. */
  record Ticked(String stream, long seq) {}

  record Unregistered(String x) {}

  static EventTypes accountTypes() {
    return EventTypes.builder().register("Opened", Opened.class).register("Deposited", Deposited.class)
        .register("Withdrawn.v2", Withdrawn.class).register("Ticked", Ticked.class).build();
  }

  /** The types of the old application: it wrote withdrawals as "Withdrawn.v1". */
  static EventTypes oldAccountTypes() {
    return EventTypes.builder().register("Opened", Opened.class).register("Withdrawn.v1", WithdrawnV1.class)
        .build();
  }

  /** The types of the new application, upcasting "Withdrawn.v1" to "Withdrawn.v2". */
  static EventTypes upcastingAccountTypes() {
    return EventTypes.builder().register("Opened", Opened.class).register("Withdrawn.v2", Withdrawn.class)
        .upcaster("Withdrawn.v1", "Withdrawn.v2", json -> {
          json.set("amount", json.remove("sum"));
          return json.put("currency", "EUR");
        })
        .build();
  }

  /** Per stream: how many events the projection applied and the last sequence number. */
  record StreamCount(String stream, long events, long lastSeq) {}

  static final ReadModel<StreamCount> COUNTS =
      ReadModel.builder("stream_counts", StreamCount.class).id(StreamCount::stream).build();

  /**
   * Applies a {@link Ticked}: requires it to be the stream's next sequence number (so an event applied
   * twice or out of order fails the handler) and counts deliveries per event id.
   */
  static final class TickCounter {
    final ConcurrentMap<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

    void apply(Ticked tick, HandlerContext context) {
      deliveries.computeIfAbsent(context.envelope().eventId(), id -> new AtomicInteger()).incrementAndGet();
      var counts = context.readModel(COUNTS);
      StreamCount current = counts.findById(tick.stream()).orElse(new StreamCount(tick.stream(), 0, 0));
      if (tick.seq() != current.lastSeq() + 1) {
        throw new IllegalStateException("stream " + tick.stream() + " expected seq " + (current.lastSeq() + 1)
            + " but got " + tick.seq() + " (event " + context.envelope().eventId() + ")");
      }
      counts.save(new StreamCount(tick.stream(), current.events() + 1, tick.seq()));
    }

    Map<String, AtomicInteger> deliveries() {
      return deliveries;
    }
  }
}
