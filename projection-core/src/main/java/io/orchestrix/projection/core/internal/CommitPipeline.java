package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The commits of one writer that were queued to overlap the next batch's handlers: they run one at a
 * time, in order, on a committer thread. This is where a failed commit surfaces: its stage completes
 * with {@link BatchOutcome.Failed}, every commit queued after it completes the same way without
 * touching the store, and {@link #takeFailure()} tells the writer once, so it forgets what it believed
 * and reloads. At most one commit is in flight while a batch is prepared ({@link #awaitBeforeLast}),
 * so memory stays bounded. Used under the writer session's lock; the committer thread touches only
 * the volatile failure flag and the stages.
 */
final class CommitPipeline {

  private final String writerKey;
  private final int partition;
  private final ProjectionStore store;
  private final EngineMetrics metrics;
  private @Nullable ExecutorService committer;
  /** The last queued commit and the one before it; never completed exceptionally. */
  private CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> previousCommit = lastCommit;
  /** The batch whose commit may still be in flight: the next batch reads its writes. */
  private @Nullable UnitOfWork inFlight;
  private volatile boolean failed;

  CommitPipeline(String writerKey, int partition, ProjectionStore store, EngineMetrics metrics) {
    this.partition = partition;
    this.writerKey = writerKey;
    this.store = store;
    this.metrics = metrics;
  }

  /** The unit of work whose commit may still be in flight, or null. */
  @Nullable UnitOfWork inFlight() {
    return inFlight;
  }

  /**
   * Queues a prepared batch's commit.
   *
   * @param onCommitted called on the committer thread once the commit is stored
   * @return the batch's outcome once committed, or {@link BatchOutcome.Failed}
   */
  CompletableFuture<BatchOutcome> enqueue(PreparedBatch prepared, Consumer<PreparedBatch> onCommitted) {
    inFlight = prepared.unitOfWork();
    CompletableFuture<BatchOutcome> stage = new CompletableFuture<>();
    previousCommit = lastCommit;
    lastCommit = lastCommit.thenRunAsync(() -> stage.complete(commit(prepared, onCommitted)),
        committer());
    return stage;
  }

  private BatchOutcome commit(PreparedBatch prepared, Consumer<PreparedBatch> onCommitted) {
    if (failed) {
      return new BatchOutcome.Failed(StoreException.outage("projection '" + writerKey
          + "': the batch up to position " + prepared.commit().state().lastProcessedPosition()
          + " was not committed because an earlier batch's commit failed", writerKey, null));
    }
    BatchOutcome.Failed failure = commitNow(Objects.requireNonNull(prepared.commit()));
    if (failure != null) {
      failed = true;
      return failure;
    }
    onCommitted.accept(prepared);
    return prepared.outcome();
  }

  /** Stores a commit on the calling thread; returns its failure, or null. */
  BatchOutcome.@Nullable Failed commitNow(Commit commit) {
    try {
      store.commit(partition == Commit.UNPARTITIONED ? commit : commit.inPartition(partition));
      return null;
    } catch (ProjectionConflictException e) {
      metrics.conflict();
      return new BatchOutcome.Failed(e);
    } catch (ProjectionException e) {
      return new BatchOutcome.Failed(e);
    } catch (RuntimeException e) {
      return new BatchOutcome.Failed(StoreException.outage("projection '" + writerKey
          + "': the commit to " + store.description() + " failed; nothing of the batch was"
          + " committed: " + e, writerKey, e));
    }
  }

  /** Bounds the pipeline: waits until at most one commit is queued. */
  void awaitBeforeLast() {
    previousCommit.join();
  }

  /** Waits until no commit is queued. */
  void drain() {
    lastCommit.join();
    previousCommit = lastCommit;
    inFlight = null;
  }

  /**
   * Waits until no commit is queued and tells whether one of them failed since the last call (the
   * batches queued after it were not committed either).
   */
  boolean takeFailure() {
    drain();
    boolean wasFailed = failed;
    failed = false;
    return wasFailed;
  }

  /** Whether a queued commit failed; if so, waits until no commit is queued and clears the flag. */
  boolean takeFailureIfAny() {
    return failed && takeFailure();
  }

  /** Forgets the unit of work in flight (after a failure: nothing of it may be read). */
  void forgetInFlight() {
    inFlight = null;
  }

  private synchronized ExecutorService committer() {
    if (committer == null) {
      // one thread at most, gone after a few idle seconds: commits are chained, so order holds
      committer = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
          runnable -> {
            Thread thread = new Thread(runnable, "projection-commit-" + writerKey);
            thread.setDaemon(true);
            return thread;
          });
    }
    return committer;
  }
}
