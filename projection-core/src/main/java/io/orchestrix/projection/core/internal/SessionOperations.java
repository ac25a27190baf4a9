package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.DeadLetterRetryResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.core.internal.UnitOfWork.EncodedChanges;
import io.orchestrix.projection.spi.Commit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An operator's actions on one writer session: reset, moving the checkpoint, and dead letters. Each
 * is one commit made under the session's lock, with the session's claim, so it fences any other
 * writer. Thread-safe.
 */
final class SessionOperations implements ProjectionOperations {

  private final WriterSession session;
  private final EngineParts parts;

  SessionOperations(WriterSession session, EngineParts parts) {
    this.session = session;
    this.parts = parts;
  }

  @Override
  public void reset() {
    session.lock().lock();
    try {
      resetLocked();
    } finally {
      session.lock().unlock();
    }
  }

  /** Resets the projection; the caller holds the session's lock. */
  void resetLocked() {
    ProjectionState current = session.claimForOperation();
    ProjectionState fresh = ProjectionState.initial(session.writerKey(), parts.now());
    Set<String> names = new LinkedHashSet<>();
    parts.readModels.all().forEach(readModel -> names.add(readModel.name()));
    session.commitOperation(
        Commit.reset(session.writerToken(), current.lastProcessedPosition(), fresh, names),
        Set.of(), WriterSession.Cache.CLEARED_COMPLETE);
  }

  @Override
  public void resetTo(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative but was " + position);
    }
    session.lock().lock();
    try {
      ProjectionState current = session.claimForOperation();
      ProjectionState moved = new ProjectionState(session.writerKey(), null, position,
          current.errorCount(), true, current.lastError(), 0, parts.now());
      session.commitOperation(
          Commit.moveCheckpoint(session.writerToken(), current.lastProcessedPosition(), moved),
          session.blockedStreams(), WriterSession.Cache.CLEARED);
    } finally {
      session.lock().unlock();
    }
  }

  @Override
  public List<DeadLetter> deadLetters() {
    return session.storedDeadLetters();
  }

  @Override
  public DeadLetterRetryResult retryDeadLetters(Predicate<? super DeadLetter> selection) {
    Objects.requireNonNull(selection, "selection must not be null");
    session.lock().lock();
    try {
      session.claimForOperation();
      return retry(session.storedDeadLetters(), selection, List.of());
    } finally {
      session.lock().unlock();
    }
  }

  @Override
  public int discardDeadLetters(Predicate<? super DeadLetter> selection) {
    Objects.requireNonNull(selection, "selection must not be null");
    session.lock().lock();
    try {
      session.claimForOperation();
      List<DeadLetter> all = session.storedDeadLetters();
      List<DeadLetter> discarded = all.stream().<DeadLetter>map(letter -> letter)
          .filter(selection::test).toList();
      if (discarded.isEmpty()) {
        return 0;
      }
      List<DeadLetter> remaining = new ArrayList<>(all);
      remaining.removeAll(discarded);
      // what was parked behind a discarded letter may now go on; it is applied in the same commit
      retry(remaining, letter -> false, discarded);
      return discarded.size();
    } finally {
      session.lock().unlock();
    }
  }

  /**
   * Applies dead letters stream by stream, in position order: a selected letter, or a parked one
   * whose stream has nothing failing ahead of it, is run through the handlers; the first failure of a
   * stream stops that stream. Everything, including the removal of {@code discarded}, commits at once.
   */
  private DeadLetterRetryResult retry(List<DeadLetter> letters,
      Predicate<? super DeadLetter> selection, List<DeadLetter> discarded) {
    ProjectionState current = session.claimed();
    Map<String, List<DeadLetter>> byStream = new LinkedHashMap<>();
    letters.stream().sorted(Comparator.comparingLong(DeadLetter::position))
        .forEach(letter -> byStream.computeIfAbsent(letter.streamId(), s -> new ArrayList<>())
            .add(letter));
    UnitOfWork unitOfWork = new UnitOfWork(parts.store, session.cache(), parts.readModels, false,
        false, null);
    HandlerRegistry.Snapshot handlers = parts.registry.snapshot();
    List<Long> removed = new ArrayList<>();
    discarded.forEach(letter -> removed.add(letter.position()));
    List<DeadLetter> updated = new ArrayList<>();
    Instant now = parts.now();
    int applied = 0;
    for (List<DeadLetter> stream : byStream.values()) {
      for (DeadLetter letter : stream) {
        if (!selection.test(letter) && !letter.isParked()) {
          break;
        }
        EventEnvelope<Object> event = parts.deadLetters.envelope(letter);
        unitOfWork.beginEvent(current.lastProcessedPosition());
        HandlerFailedException failed = parts.invoker.dispatch(handlers, event, unitOfWork,
            session.partition());
        if (failed == null) {
          removed.add(letter.position());
          applied++;
          continue;
        }
        unitOfWork.rollbackEvent();
        session.metrics().error();
        updated.add(DeadLetters.failedAgain(letter, failed, now));
        break;
      }
    }
    if (removed.isEmpty() && updated.isEmpty()) {
      return new DeadLetterRetryResult(0, 0);
    }
    int stillFailing = updated.size();
    ProjectionState after = new ProjectionState(session.writerKey(),
        current.lastProcessedEventId(), current.lastProcessedPosition(),
        current.errorCount() + stillFailing, current.healthy(),
        stillFailing > 0 ? updated.get(stillFailing - 1).errorMessage() : current.lastError(),
        current.failedPosition(), now);
    EncodedChanges encoded = unitOfWork.encodeChanges();
    if (encoded instanceof EncodedChanges.Refused refused) {
      throw refused.failure();
    }
    session.commitOperation(Commit.deadLetterUpdate(session.writerToken(), after,
        ((EncodedChanges.Encoded) encoded).changes(), updated, removed),
        blockedAfter(letters, removed), WriterSession.Cache.KEPT);
    unitOfWork.publishToCache();
    return new DeadLetterRetryResult(applied, stillFailing);
  }

  private static Set<String> blockedAfter(List<DeadLetter> letters, List<Long> removed) {
    Set<Long> gone = new HashSet<>(removed);
    Set<String> blocked = new HashSet<>();
    letters.stream().filter(letter -> !gone.contains(letter.position()))
        .forEach(letter -> blocked.add(letter.streamId()));
    return blocked;
  }
}
