package io.orchestrix.projection.kafka;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;

/**
 * A Kafka record could not be decoded into an event. Thrown by the source's handler of
 * {@link UndecodableRecord}, so it reaches the engine's failure policy as a handler failure (kind
 * {@link FailureKind#HANDLER}); the message names the topic, partition, offset and the reason.
 */
public final class UndecodableRecordException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The record's topic. */
  private final String topic;
  /** The record's partition. */
  private final int partition;
  /** The record's offset. */
  private final long offset;

  UndecodableRecordException(UndecodableRecord record, String projectionId, String eventId,
      long position) {
    super("projection '" + projectionId + "' cannot decode the record at " + record.topic() + "-"
        + record.partition() + " offset " + record.offset()
        + (record.typeName().isEmpty() ? "" : " (type '" + record.typeName() + "')") + ": "
        + record.error(), projectionId, eventId, position, null);
    this.topic = record.topic();
    this.partition = record.partition();
    this.offset = record.offset();
  }

  /** {@return the record's topic} */
  public String topic() {
    return topic;
  }

  /** {@return the record's partition} */
  public int partition() {
    return partition;
  }

  /** {@return the record's offset} */
  public long offset() {
    return offset;
  }

  @Override
  public FailureKind kind() {
    return FailureKind.HANDLER;
  }
}
