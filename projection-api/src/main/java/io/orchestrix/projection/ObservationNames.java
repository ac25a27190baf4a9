package io.orchestrix.projection;

/**
 * The names of the Micrometer {@code Observation}s the engine and the JDBC event store make, their
 * tag keys, and the event metadata keys that carry W3C trace context. Observations exist only when an
 * {@code ObservationRegistry} is given (to the engine builder, or to the event store's observed
 * appends); then each gives a timer and, with a tracer, a span.
 *
 * <p>Low-cardinality keys (tags on timers and spans) take few values: projection, partition, event
 * type, handler, outcome. High-cardinality keys (on spans only) name one event: its id, position and
 * stream.
 */
public final class ObservationNames {

  /** Observation: one handler applying one event. A consumer span, child of the append's span. */
  public static final String HANDLER = "projection.handler.invocation";
  /** Observation: the store's atomic commit of one batch. */
  public static final String BATCH_COMMIT = "projection.batch.commit";
  /** Observation: one append to the JDBC event store. A producer span whose context goes in metadata. */
  public static final String EVENT_APPEND = "projection.event.append";

  /** Low-cardinality key: the projection id. */
  public static final String PROJECTION = "projection";
  /** Low-cardinality key: the partition number, or {@link #NO_PARTITION}. */
  public static final String PARTITION = "partition";
  /** Low-cardinality key: the payload's simple class name. */
  public static final String EVENT_TYPE = "event.type";
  /** Low-cardinality key: the handler's name. */
  public static final String HANDLER_NAME = "handler";
  /** Low-cardinality key: {@link #SUCCESS}, {@link #FAILURE} or {@link #CONFLICT}. */
  public static final String OUTCOME = "outcome";

  /** High-cardinality key: the event id. */
  public static final String EVENT_ID = "event.id";
  /** High-cardinality key: the event's position, or a batch's first and last positions. */
  public static final String POSITION = "event.position";
  /** High-cardinality key: the stream id. */
  public static final String STREAM_ID = "stream.id";

  /** Value of {@link #PARTITION} for a projection that is not split. */
  public static final String NO_PARTITION = "none";
  /** Value of {@link #OUTCOME}: it worked. */
  public static final String SUCCESS = "success";
  /** Value of {@link #OUTCOME}: the handler or store failed. */
  public static final String FAILURE = "failure";
  /** Value of {@link #OUTCOME}: the store refused the commit (fencing or checkpoint conflict). */
  public static final String CONFLICT = "conflict";

  /** Metadata key of the W3C {@code traceparent} of the trace that wrote an event. */
  public static final String TRACEPARENT = "traceparent";
  /** Metadata key of the W3C {@code tracestate} of the trace that wrote an event. */
  public static final String TRACESTATE = "tracestate";

  private ObservationNames() {}
}
