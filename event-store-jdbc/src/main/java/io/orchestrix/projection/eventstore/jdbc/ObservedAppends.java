package io.orchestrix.projection.eventstore.jdbc;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import io.orchestrix.projection.ObservationNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Appends to a {@link JdbcEventStore} as observations ({@link ObservationNames#EVENT_APPEND}), so that
 * the trace an append belongs to reaches the projections that apply its events: each append is a
 * producer observation, child of the current one if there is one, and the trace context its tracing
 * handler propagates (W3C {@code traceparent} and {@code tracestate}) is stored in every appended
 * event's metadata. An engine built with the same kind of registry makes each handler's span a child
 * of it. Without a tracer on the registry the metadata is left as given; with a no-op registry nothing
 * is observed at all.
 *
 * <p>Thread-safe as the store is. Exceptions are the store's, unchanged; a failed append is recorded
 * as the observation's error. The store stays the caller's to close.
 */
public final class ObservedAppends {

  private final JdbcEventStore store;
  private final ObservationRegistry registry;

  private ObservedAppends(JdbcEventStore store, ObservationRegistry registry) {
    this.store = store;
    this.registry = registry;
  }

  /**
   * Observed appends to the store, recorded in the registry.
   *
   * @param store the event store to append to; not null
   * @param registry where appends are observed; not null
   * @return the observed appends
   */
  public static ObservedAppends of(JdbcEventStore store, ObservationRegistry registry) {
    return new ObservedAppends(Objects.requireNonNull(store, "store must not be null"),
        Objects.requireNonNull(registry, "registry must not be null"));
  }

  /**
   * {@link JdbcEventStore#append(String, long, List, Map)}, observed; returns the last position.
   *
   * @param streamId the stream; not null
   * @param expectedVersion the stream's current version, or {@link JdbcEventStore#ANY_VERSION}
   * @param payloads the payloads, at least one
   * @param metadata the metadata of every event, to which the trace context is added; not null
   * @return the position of the last event appended
   */
  public long append(String streamId, long expectedVersion, List<?> payloads,
      Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata must not be null");
    if (registry.isNoop()) {
      return store.append(streamId, expectedVersion, payloads, metadata);
    }
    SenderContext<Map<String, String>> context =
        new SenderContext<>((carrier, key, value) -> carrier.put(key, value), Kind.PRODUCER);
    Map<String, String> traceContext = new HashMap<>();
    context.setCarrier(traceContext);
    context.setRemoteServiceName(store.databaseName());
    Observation observation = Observation.createNotStarted(ObservationNames.EVENT_APPEND,
            () -> context, registry)
        .contextualName("append " + (payloads == null ? 0 : payloads.size()) + " event(s)")
        .highCardinalityKeyValue(ObservationNames.STREAM_ID, String.valueOf(streamId))
        .start();
    try (Observation.Scope scope = observation.openScope()) {
      Map<String, String> withTrace = new HashMap<>(metadata);
      withTrace.putAll(traceContext);
      long position = store.append(streamId, expectedVersion, payloads, withTrace);
      observation.lowCardinalityKeyValue(ObservationNames.OUTCOME, ObservationNames.SUCCESS);
      observation.highCardinalityKeyValue(ObservationNames.POSITION, Long.toString(position));
      return position;
    } catch (RuntimeException | Error e) {
      observation.lowCardinalityKeyValue(ObservationNames.OUTCOME, ObservationNames.FAILURE);
      observation.error(e);
      throw e;
    } finally {
      observation.stop();
    }
  }

  /**
   * One payload, whatever the stream's version, with no metadata of its own.
   *
   * @param streamId the stream; not null
   * @param payload the payload; not null
   * @return the position of the appended event
   */
  public long append(String streamId, Object payload) {
    return append(streamId, JdbcEventStore.ANY_VERSION, List.of(payload), Map.of());
  }
}
