package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.InvalidEventException;
import io.orchestrix.projection.core.internal.EngineConfig.Positions;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The order events must come in: no nulls, positions strictly increasing, and contiguous if the
 * engine requires it. Checks a whole batch before anything is applied, or a lazily read stream event
 * by event. Not thread-safe: one per batch or stream.
 */
final class EventOrder {

  private final String projectionId;
  private final Positions positions;
  private @Nullable String lastEventId;
  private long lastPosition;

  EventOrder(String projectionId, Positions positions) {
    this.projectionId = projectionId;
    this.positions = positions;
  }

  /**
   * Checks a batch.
   *
   * @throws InvalidEventException naming the first offending event; nothing was applied
   */
  void checkBatch(List<? extends EventEnvelope<?>> events) {
    int index = 0;
    for (EventEnvelope<?> event : events) {
      if (event == null) {
        throw new InvalidEventException("projection '" + projectionId + "': event " + index
            + " of the batch is null; nothing was applied", projectionId, null, 0);
      }
      if (index > 0) {
        checkAfterPrevious(event, "; nothing of the batch was applied");
      }
      accept(event);
      index++;
    }
  }

  /**
   * Checks the next event of a stream read lazily.
   *
   * @throws InvalidEventException naming the offending event; the batches before it are committed
   */
  void checkNext(@Nullable EventEnvelope<?> event) {
    if (event == null) {
      throw new InvalidEventException("projection '" + projectionId
          + "': replay met a null event after position " + lastPosition, projectionId, null,
          lastPosition);
    }
    if (lastPosition > 0) {
      checkAfterPrevious(event, "; the batches before it are committed");
    }
    accept(event);
  }

  private void checkAfterPrevious(EventEnvelope<?> event, String consequence) {
    if (event.position() <= lastPosition) {
      throw new InvalidEventException("projection '" + projectionId + "': positions must strictly"
          + " increase, but event " + event.eventId() + " at position " + event.position()
          + " follows event " + lastEventId + " at position " + lastPosition + consequence,
          projectionId, event.eventId(), event.position());
    }
    if (positions == Positions.CONTIGUOUS && event.position() != lastPosition + 1) {
      throw new InvalidEventException("projection '" + projectionId + "' requires contiguous"
          + " positions, but event " + event.eventId() + " at position " + event.position()
          + " follows position " + lastPosition + consequence, projectionId, event.eventId(),
          event.position());
    }
  }

  private void accept(EventEnvelope<?> event) {
    lastEventId = event.eventId();
    lastPosition = event.position();
  }
}
