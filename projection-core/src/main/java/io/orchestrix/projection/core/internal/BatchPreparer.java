package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.PositionGapException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStoppedException;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.internal.EngineConfig.Positions;
import io.orchestrix.projection.core.internal.FailureDecisions.Decision;
import io.orchestrix.projection.core.internal.UnitOfWork.EncodedChanges;
import io.orchestrix.projection.spi.Commit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a batch of events into a commit: skips what the checkpoint passed, refuses a batch that would
 * skip a failed event, parks events behind their stream's dead letter, runs the handlers, applies the
 * failure policy's decision where a handler fails, and builds the commit and its outcome. It holds no
 * state of its own; what it needs of the writer comes in a {@link Writer}. Thread-safe.
 */
final class BatchPreparer {

  private static final Logger LOG = LoggerFactory.getLogger(BatchPreparer.class);

  private final EngineParts parts;
  private final int partition;

  BatchPreparer(EngineParts parts, int partition) {
    this.parts = parts;
    this.partition = partition;
  }

  /** What the writer session lends a preparation. */
  record Writer(String writerKey, ProjectionState before, long writerToken,
      Set<String> blockedStreams, DocumentCache cache, @Nullable UnitOfWork inFlight,
      FailureDecisions failures, EngineMetrics metrics) {}

  /** Where the handler loop ended. */
  private enum Ending { ALL_EVENTS, RETRY, STOP }

  PreparedBatch prepare(Writer writer, List<? extends EventEnvelope<?>> events) {
    // empty when a document kept as an object until the commit cannot be stored: then the batch runs
    // again, serialising at each save, so that the failure is the event's that caused it
    FailureDecisions.Mark mark = writer.failures().mark();
    PreparedBatch prepared = prepare(writer, events, true).orElseGet(() -> {
      writer.failures().restore(mark);
      return prepare(writer, events, false).orElseThrow();
    });
    long newErrors = prepared.outcome().stateAfter().map(ProjectionState::errorCount)
        .orElse(writer.before().errorCount()) - writer.before().errorCount();
    for (long i = 0; i < newErrors; i++) {
      writer.metrics().error();
    }
    return prepared;
  }

  private Optional<PreparedBatch> prepare(
      Writer writer, List<? extends EventEnvelope<?>> events, boolean deferEncoding) {
    ProjectionState before = writer.before();
    long checkpoint = before.lastProcessedPosition();
    int start = 0;
    while (start < events.size() && events.get(start).position() <= checkpoint) {
      start++;
    }
    int skipped = start;
    if (start == events.size()) {
      return Optional.of(PreparedBatch.nothingToCommit(new BatchOutcome.Completed(
          new BatchResult(0, skipped, 0, checkpoint), before)));
    }
    EventEnvelope<?> first = events.get(start);
    if (parts.config.positions() == Positions.CONTIGUOUS && first.position() != checkpoint + 1) {
      return Optional.of(PreparedBatch.nothingToCommit(new BatchOutcome.Failed(
          new PositionGapException(writer.writerKey(), checkpoint + 1, first.eventId(),
              first.position()))));
    }
    if (!before.healthy() && first.position() > before.failedPosition()) {
      return Optional.of(PreparedBatch.nothingToCommit(new BatchOutcome.Failed(
          new ProjectionStoppedException(writer.writerKey(), before.failedPosition(),
              first.eventId(), first.position(), String.valueOf(before.lastError())))));
    }

    long started = System.nanoTime();
    UnitOfWork unitOfWork = new UnitOfWork(parts.store, writer.cache(), parts.readModels,
        !parts.store.commitsAtomically(), deferEncoding, writer.inFlight());
    HandlerRegistry.Snapshot handlers = parts.registry.snapshot();
    Set<String> blocked = writer.blockedStreams().isEmpty() ? Set.of() : new HashSet<>(writer.blockedStreams());
    List<DeadLetter> deadLetters = new ArrayList<>(0);
    int applied = 0;
    String lastEventId = before.lastProcessedEventId();
    long lastPosition = checkpoint;
    long errors = before.errorCount();
    String lastError = before.lastError();
    HandlerFailedException failure = null;
    Decision decision = null;
    prefetch(unitOfWork, events, start);
    for (int i = start; i < events.size(); i++) {
      EventEnvelope<?> event = events.get(i);
      if (!blocked.isEmpty() && blocked.contains(event.streamId())) {
        deadLetters.add(parts.deadLetters.parked(writer.writerKey(), event, parts.now()));
        lastEventId = event.eventId();
        lastPosition = event.position();
        continue;
      }
      unitOfWork.beginEvent(event.position());
      HandlerFailedException failed = parts.invoker.dispatch(handlers, event, unitOfWork, partition);
      if (failed == null) {
        if (writer.failures().isRetrying(event.position())) {
          writer.failures().forget();
        }
        applied++;
        lastEventId = event.eventId();
        lastPosition = event.position();
        continue;
      }
      unitOfWork.rollbackEvent();
      errors++;
      lastError = failed.getMessage();
      decision = writer.failures().onFailure(failed);
      if (decision instanceof Decision.DeadLetter deadLetter) {
        LOG.warn("projection '{}' dead-lettered event {} at position {} after {} attempt(s): {}",
            writer.writerKey(), event.eventId(), event.position(), deadLetter.attempts(),
            failed.getMessage(), failed.getCause());
        deadLetters.add(parts.deadLetters.failed(writer.writerKey(), event, failed, deadLetter.attempts(),
            deadLetter.firstFailureAt(), parts.now()));
        if (blocked.isEmpty()) {
          blocked = new HashSet<>();
        }
        blocked.add(event.streamId());
        lastEventId = event.eventId();
        lastPosition = event.position();
        decision = null;
        continue;
      }
      failure = failed;
      break;
    }
    long handlerNanos = System.nanoTime() - started;
    int parkedOrDeadLettered = deadLetters.size();
    Ending ending = decision == null ? Ending.ALL_EVENTS
        : decision instanceof Decision.Retry ? Ending.RETRY : Ending.STOP;
    Instant now = parts.now();
    ProjectionState after = ending == Ending.STOP
        ? new ProjectionState(writer.writerKey(), lastEventId, lastPosition, errors, false, lastError,
            failure.position(), now)
        : new ProjectionState(writer.writerKey(), lastEventId, lastPosition, errors, true, lastError,
            0, now);
    BatchResult result = new BatchResult(applied, skipped, parkedOrDeadLettered, lastPosition);
    BatchOutcome outcome = switch (ending) {
      case ALL_EVENTS -> new BatchOutcome.Completed(result, after);
      case RETRY -> new BatchOutcome.RetryLater(result, after, failure,
          ((Decision.Retry) decision).delay(), ((Decision.Retry) decision).attempt());
      case STOP -> new BatchOutcome.Stopped(result, after, failure,
          ((Decision.Stop) decision).attempts());
    };
    boolean changed = lastPosition > checkpoint || !deadLetters.isEmpty()
        || errors != before.errorCount() || ending == Ending.STOP;
    if (!changed) {
      return Optional.of(new PreparedBatch(null, null, outcome, List.of(), handlerNanos, started));
    }
    EncodedChanges encoded = unitOfWork.encodeChanges();
    if (encoded instanceof EncodedChanges.Refused refused) {
      if (!deferEncoding) {
        throw refused.failure();
      }
      LOG.debug("projection '{}': a deferred document was refused at commit; the batch runs again"
          + " serialising at each save: {}", writer.writerKey(), refused.failure().toString());
      return Optional.empty();
    }
    Commit commit = Commit.batch(writer.writerToken(), checkpoint, after,
        ((EncodedChanges.Encoded) encoded).changes(), deadLetters);
    return Optional.of(new PreparedBatch(commit, unitOfWork, outcome, deadLetters, handlerNanos,
        started));
  }

  private void prefetch(UnitOfWork unitOfWork, List<? extends EventEnvelope<?>> events, int from) {
    for (Map.Entry<ReadModel<?>, Function<EventEnvelope<?>, @Nullable String>> entry
        : parts.config.prefetch().entrySet()) {
      Set<String> ids = new LinkedHashSet<>();
      for (int i = from; i < events.size(); i++) {
        String id = entry.getValue().apply(events.get(i));
        if (id != null && !id.isEmpty()) {
          ids.add(id);
        }
      }
      unitOfWork.prefetch(entry.getKey().name(), ids);
    }
  }
}
