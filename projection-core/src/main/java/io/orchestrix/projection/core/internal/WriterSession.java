package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One writer of one projection: the owner of its checkpoint. It holds the writer's claim (fencing
 * token, the state it committed, the streams blocked behind dead letters and the document cache, in
 * its {@link WriterClaim}), the failures being retried and the commit pipeline, and it is the only
 * one that changes them.
 * Everything it believes is dropped ({@link #forget()}) on any failed commit, conflict, reset or new
 * claim, and reloaded from the store on the next call.
 *
 * <p>Processing is serialised by one lock; {@link #knownState()} may be read from any thread.
 * Failures of the store or of fencing are returned as {@link BatchOutcome.Failed}, not thrown.
 */
final class WriterSession {

  private final String writerKey;
  private final int partition;
  private final EngineParts parts;
  private final EngineMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final WriterClaim claim;
  private final CommitPipeline pipeline;
  private final FailureDecisions failures;
  private final BatchPreparer preparer;

  /**
   * @param partition the partition this writer commits for, or {@link Commit#UNPARTITIONED}; its key
   *     is then {@code ProjectionIds.partitionKey(projection, partition)}
   */
  WriterSession(String writerKey, int partition, EngineParts parts) {
    this.writerKey = writerKey;
    this.partition = partition;
    this.parts = parts;
    this.metrics = new EngineMetrics(parts.config.meterRegistry(), parts.config.projectionId(),
        partition);
    this.claim = new WriterClaim(writerKey, parts, metrics,
        new DocumentCache(parts.config.cacheSize()));
    this.pipeline = new CommitPipeline(writerKey, partition, parts.store, metrics);
    this.failures = new FailureDecisions(parts.config.failurePolicy(), parts.config.clock());
    this.preparer = new BatchPreparer(parts, partition);
  }

  /**
   * A pipelined batch: what preparing it decided (a caller reads on only after
   * {@link BatchOutcome.Completed}), and the outcome of its commit to come.
   */
  record Submission(BatchOutcome prepared, CompletableFuture<BatchOutcome> committed) {}

  String writerKey() {
    return writerKey;
  }

  /** The partition this writer commits for, or {@link Commit#UNPARTITIONED}. */
  int partition() {
    return partition;
  }

  ProjectionStore store() {
    return parts.store;
  }

  EngineMetrics metrics() {
    return metrics;
  }

  ReentrantLock lock() {
    return lock;
  }

  /** The last state this writer committed or loaded, without asking the store; null if none yet. */
  @Nullable ProjectionState knownState() {
    return claim.published();
  }

  // ---- processing

  /**
   * How long to wait before processing a batch of this many events, to keep a generation's build
   * under its rate limit; zero for the live generation and for a build without a limit.
   */
  Duration buildPause(int events) {
    return parts.buildPause(events);
  }

  /**
   * Claims the projection if this writer has not (preparing read models, taking a fencing token,
   * loading state and dead letters): what a runner does first, and again after a failure.
   *
   * @return {@link BatchOutcome.Completed} with the state, or {@link BatchOutcome.Failed}
   */
  BatchOutcome start() {
    lock.lock();
    try {
      if (pipeline.takeFailure()) {
        forget();
      }
      ProjectionState current = claimed();
      return new BatchOutcome.Completed(
          new BatchResult(0, 0, 0, current.lastProcessedPosition()), current);
    } catch (ProjectionException e) {
      forget();
      return new BatchOutcome.Failed(e);
    } finally {
      lock.unlock();
    }
  }

  /** Prepares and commits a batch on the calling thread. */
  BatchOutcome process(List<? extends EventEnvelope<?>> events) {
    lock.lock();
    try {
      if (pipeline.takeFailure()) {
        return queuedCommitFailed();
      }
      PreparedBatch prepared = prepare(events);
      if (prepared.commit() == null) {
        recordSkipped(prepared);
        return prepared.outcome();
      }
      long commitStarted = System.nanoTime();
      BatchOutcome.Failed failure = pipeline.commitNow(prepared.commit());
      if (failure != null) {
        forget();
        return failure;
      }
      advance(prepared);
      committed(prepared, commitStarted);
      return prepared.outcome();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Prepares a batch and queues its commit, so that the next batch's handlers overlap it. The
   * submission says at once what preparing decided; a caller goes on with the next batch only if
   * that is {@link BatchOutcome.Completed}.
   */
  Submission submit(List<? extends EventEnvelope<?>> events) {
    lock.lock();
    try {
      pipeline.awaitBeforeLast();
      if (pipeline.takeFailureIfAny()) {
        BatchOutcome failed = queuedCommitFailed();
        return new Submission(failed, CompletableFuture.completedFuture(failed));
      }
      PreparedBatch prepared = prepare(events);
      if (prepared.commit() == null) {
        recordSkipped(prepared);
        return new Submission(prepared.outcome(), CompletableFuture.completedFuture(prepared.outcome()));
      }
      advance(prepared);
      long commitStarted = System.nanoTime();
      CompletableFuture<BatchOutcome> committed = pipeline.enqueue(prepared,
          done -> committed(done, commitStarted));
      return new Submission(prepared.outcome(), committed);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves a healthy partition's checkpoint forward to a position up to which its source looked and
   * found none of its events, in a commit without changes, so that an idle partition is not behind.
   * Does nothing if the checkpoint is there already or the partition is stopped at a failed event.
   */
  BatchOutcome advanceTo(long position) {
    lock.lock();
    try {
      if (pipeline.takeFailure()) {
        return queuedCommitFailed();
      }
      ProjectionState before = claimed();
      if (position <= before.lastProcessedPosition() || !before.healthy()) {
        return new BatchOutcome.Completed(
            new BatchResult(0, 0, 0, before.lastProcessedPosition()), before);
      }
      ProjectionState after = new ProjectionState(writerKey, before.lastProcessedEventId(), position,
          before.errorCount(), true, before.lastError(), 0, parts.now());
      BatchOutcome.Failed failure = pipeline.commitNow(
          Commit.batch(claim.writerToken(), before.lastProcessedPosition(), after, List.of()));
      if (failure != null) {
        forget();
        return failure;
      }
      claim.accept(after);
      return new BatchOutcome.Completed(new BatchResult(0, 0, 0, position), after);
    } catch (ProjectionException e) {
      forget();
      return new BatchOutcome.Failed(e);
    } finally {
      lock.unlock();
    }
  }

  /** Runs the batch's handlers; a store failure on the way is an outcome, and forgets the writer's view. */
  private PreparedBatch prepare(List<? extends EventEnvelope<?>> events) {
    try {
      ProjectionState before = claimed();
      return preparer.prepare(new BatchPreparer.Writer(writerKey, before, claim.writerToken(),
          claim.blockedStreams(), claim.cache(), pipeline.inFlight(), failures, metrics), events);
    } catch (ProjectionException e) {
      forget();
      return PreparedBatch.nothingToCommit(new BatchOutcome.Failed(e));
    } catch (RuntimeException | Error e) {
      forget();
      throw e;
    }
  }

  private BatchOutcome queuedCommitFailed() {
    forget();
    return new BatchOutcome.Failed(queuedCommitFailure());
  }

  /** The failure a caller gets once after a queued commit failed, naming where to resume. */
  private StoreException queuedCommitFailure() {
    ProjectionState committed = claim.published();
    return StoreException.outage("projection '" + writerKey + "': a queued commit failed, so the"
        + " batches submitted after it were not committed either; resume with the events after"
        + " position " + (committed == null ? 0 : committed.lastProcessedPosition()), writerKey,
        null);
  }

  /** The writer's view moves past a prepared batch (committed, or queued to commit). */
  private void advance(PreparedBatch prepared) {
    claim.advance(prepared);
  }

  private void committed(PreparedBatch prepared, long commitStarted) {
    ProjectionState after = Objects.requireNonNull(prepared.commit()).state();
    claim.committed(after);
    long finished = System.nanoTime();
    BatchResult result = prepared.outcome().committed();
    metrics.state(after.lastProcessedPosition(), after.healthy());
    metrics.batch(result.applied(), result.skipped(), result.deadLettered(),
        prepared.handlerNanos(), finished - commitStarted, finished - prepared.started());
  }

  private void recordSkipped(PreparedBatch prepared) {
    if (prepared.outcome() instanceof BatchOutcome.Completed completed) {
      metrics.batch(0, completed.result().skipped(), 0, 0, 0, 0);
    }
  }

  // ---- the claim and what the writer believes

  /**
   * The state of this writer, claiming the projection first if needed: prepares the read models,
   * takes a new fencing token, loads the state and the blocked streams.
   *
   * @throws ProjectionException if the store fails
   */
  ProjectionState claimed() {
    ProjectionState current = claim.state();
    if (current == null) {
      pipeline.drain();
      current = claim.take();
    }
    return current;
  }

  /**
   * Claims anew even if this writer holds a claim: waits for queued commits, forgets what it
   * believed, takes a new fencing token and reloads.
   *
   * @throws ProjectionException if the store fails (then everything stays forgotten)
   */
  ProjectionState reclaim() {
    lock.lock();
    try {
      pipeline.takeFailure();
      forget();
      failures.forget();
      return claimed();
    } catch (ProjectionException e) {
      forget();
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Drops everything this writer believed, so the next call claims again and reloads. */
  void forget() {
    claim.forget();
    pipeline.forgetInFlight();
  }

  // ---- for operations (the caller holds the lock)

  /**
   * Stores an operator's commit at once (after {@link #claimForOperation()}). On success the state,
   * blocked streams and cache become what the operation says; on failure everything is forgotten.
   *
   * @throws ProjectionException if the store refuses or fails
   */
  void commitOperation(Commit commit, Set<String> stillBlocked, Cache cacheAfter) {
    BatchOutcome.Failed failure = pipeline.commitNow(commit);
    if (failure != null) {
      forget();
      throw failure.failure();
    }
    failures.forget();
    claim.operationCommitted(commit.state(), stillBlocked, cacheAfter);
  }

  /** What an operation leaves in the writer's cache. */
  enum Cache {
    /** The cache is right as it is. */
    KEPT,
    /** The read models may differ from what the cache holds. */
    CLEARED,
    /** The read models are empty, so the cache holds all of them: nothing. */
    CLEARED_COMPLETE
  }

  /**
   * Waits for queued commits and claims afresh, fencing every other writer, for an operator's action.
   *
   * @throws StoreException if a queued commit failed (naming what to do) or the store fails
   */
  ProjectionState claimForOperation() {
    if (pipeline.takeFailure()) {
      forget();
      throw queuedCommitFailure();
    }
    forget();
    return claimed();
  }

  /** Forgets the claim, so that the next batch claims the projection afresh and reloads. */
  void release() {
    lock.lock();
    try {
      pipeline.drain();
      forget();
    } finally {
      lock.unlock();
    }
  }

  long writerToken() {
    return claim.writerToken();
  }

  /** The streams blocked behind dead letters, as this writer knows them. */
  Set<String> blockedStreams() {
    return claim.blockedStreams();
  }

  DocumentCache cache() {
    return claim.cache();
  }

  /** Forgets the failure being retried, so the next attempt starts afresh (an operator resumed). */
  void clearFailures() {
    lock.lock();
    try {
      failures.forget();
    } finally {
      lock.unlock();
    }
  }

  List<DeadLetter> storedDeadLetters() {
    return parts.store.deadLetters(writerKey);
  }
}
