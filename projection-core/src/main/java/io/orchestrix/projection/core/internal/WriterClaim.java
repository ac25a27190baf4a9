package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one writer believes while it holds its claim on a projection: the fencing token, the state it
 * committed or queued to commit, the streams blocked behind dead letters and the document cache it
 * may trust; and, apart, the state readers see. {@link #take()} loads all of it from the store;
 * {@link #forget()} drops it, so that the next call takes the claim again.
 *
 * <p>Not thread-safe: only its {@link WriterSession} changes it, under the session's lock;
 * {@link #published()} may be read from any thread.
 */
final class WriterClaim {

  private final String writerKey;
  private final EngineParts parts;
  private final EngineMetrics metrics;
  private final DocumentCache cache;
  /** Streams with an outstanding dead letter: their later events are parked behind it. */
  private final Set<String> blockedStreams = new HashSet<>();
  /** The state as committed by this writer; null until claimed, and after any failed commit. */
  private @Nullable ProjectionState state;
  private long writerToken;
  /** The state readers see: the last committed one, or the last known after a failure. */
  private volatile @Nullable ProjectionState published;

  WriterClaim(String writerKey, EngineParts parts, EngineMetrics metrics, DocumentCache cache) {
    this.writerKey = writerKey;
    this.parts = parts;
    this.metrics = metrics;
    this.cache = cache;
  }

  /** The state this writer believes in; null if it holds no claim. */
  @Nullable ProjectionState state() {
    return state;
  }

  /**
   * Takes the claim: prepares the read models, takes a new fencing token, loads the state and the
   * blocked streams, and starts the cache afresh (knowing every empty read model whole).
   *
   * @return the state loaded
   * @throws ProjectionException if the store fails
   */
  ProjectionState take() {
    parts.checkWritable();
    parts.prepareReadModels();
    writerToken = parts.store.claimWriter(writerKey);
    ProjectionState current = parts.store.loadState(writerKey)
        .orElseGet(() -> ProjectionState.initial(writerKey, parts.now()));
    cache.clear();
    for (ReadModel<?> readModel : parts.readModels.all()) {
      if (parts.store.count(readModel.name()) == 0) {
        cache.markComplete(readModel.name());
      }
    }
    blockedStreams.clear();
    parts.store.deadLetters(writerKey).forEach(letter -> blockedStreams.add(letter.streamId()));
    accept(current);
    return current;
  }

  /** Believes and publishes a state the store holds. */
  void accept(ProjectionState newState) {
    state = newState;
    published = newState;
    metrics.state(newState.lastProcessedPosition(), newState.healthy());
  }

  /** Moves past a prepared batch (committed, or queued to commit); readers see it once committed. */
  void advance(PreparedBatch prepared) {
    Objects.requireNonNull(prepared.unitOfWork()).publishToCache();
    prepared.deadLetters().forEach(letter -> blockedStreams.add(letter.streamId()));
    state = Objects.requireNonNull(prepared.commit()).state();
  }

  /** Publishes the state of a batch whose queued commit succeeded. */
  void committed(ProjectionState after) {
    published = after;
  }

  /** Takes on what an operator's committed action left: state, blocked streams and cache. */
  void operationCommitted(ProjectionState after, Set<String> stillBlocked,
      WriterSession.Cache cacheAfter) {
    blockedStreams.clear();
    blockedStreams.addAll(stillBlocked);
    if (cacheAfter == WriterSession.Cache.CLEARED_COMPLETE) {
      cache.clear();
      parts.readModels.all().forEach(readModel -> cache.markComplete(readModel.name()));
    } else if (cacheAfter == WriterSession.Cache.CLEARED) {
      cache.clear();
    }
    accept(after);
  }

  /** Drops the state and the cache; the published state stays what readers last saw. */
  void forget() {
    state = null;
    cache.clear();
  }

  /** The last state committed or loaded, without asking the store; null if none yet. */
  @Nullable ProjectionState published() {
    return published;
  }

  long writerToken() {
    return writerToken;
  }

  /** {@return a copy of the streams blocked behind dead letters} */
  Set<String> blockedStreams() {
    return Set.copyOf(blockedStreams);
  }

  DocumentCache cache() {
    return cache;
  }
}
