package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionStatus.RunState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TrackingWorker}s a {@link PartitionCoordinator} runs for the partitions this node owns,
 * one per owned partition, and whether they are paused: it alone starts and stops them. A partition
 * is owned from {@link #start} until {@link #stop}; its status outlives its workers, so a partition
 * that comes back starts from where it was. A worker the runner's executor rejects is not started:
 * its partition is not owned here any more, its status names the executor, and it waits in
 * {@link #takeRejected()} for the coordinator to give its lease up. Thread-safe: every method may be
 * called from any thread; stopping waits for a worker outside the lock.
 */
final class PartitionWorkers {

  private final List<DefaultProjectionEngine> partitions;
  private final EventSource source;
  private final RunnerSettings settings;
  private final List<WorkerStatus> statuses;
  /** Guarded by this. */
  private final Map<Integer, TrackingWorker> workers = new HashMap<>();
  /** Guarded by this. */
  private boolean paused;
  /** Partitions whose worker the executor rejected, since the last {@link #takeRejected()}. */
  private final Set<Integer> rejected = new TreeSet<>();

  PartitionWorkers(List<DefaultProjectionEngine> partitions, EventSource source,
      RunnerSettings settings, List<WorkerStatus> statuses) {
    this.partitions = partitions;
    this.source = source;
    this.settings = settings;
    this.statuses = statuses;
  }

  /** Pauses every worker after its batch in flight; workers started later start paused. */
  synchronized void pause() {
    paused = true;
    workers.values().forEach(TrackingWorker::pause);
  }

  synchronized void resume() {
    paused = false;
    workers.values().forEach(TrackingWorker::resume);
  }

  synchronized boolean isPaused() {
    return paused;
  }

  /** {@return the partitions owned here, in ascending order} */
  synchronized List<Integer> owned() {
    return workers.keySet().stream().sorted().toList();
  }

  synchronized boolean owns(int partition) {
    return workers.containsKey(partition);
  }

  /** Whether the partition is owned here and its worker's thread runs. */
  synchronized boolean isRunning(int partition) {
    TrackingWorker worker = workers.get(partition);
    return worker != null && worker.isAlive();
  }

  /**
   * Starts a new worker for the partition, replacing any it had: the partition's writer forgets its
   * claim first, so the worker claims it afresh and fences whoever wrote it before.
   *
   * @return false if the executor rejected the worker: the partition is then not owned here
   */
  synchronized boolean start(int partition) {
    partitions.get(partition).writerSession().release();
    TrackingWorker worker = TrackingWorker.forLeasedPartition(partitions.get(partition), source,
        settings, statuses.get(partition));
    if (paused) {
      worker.pause();
    }
    workers.put(partition, worker);
    try {
      worker.start();
      return true;
    } catch (RejectedExecutionException e) {
      workers.remove(partition);
      rejected.add(partition);
      return false;
    }
  }

  /** {@return the partitions whose worker was rejected since the last call, and forgets them} */
  synchronized List<Integer> takeRejected() {
    List<Integer> taken = List.copyOf(rejected);
    rejected.clear();
    return taken;
  }

  /**
   * Gives a partition up: asks its worker to stop after its batch in flight and waits up to the
   * timeout (a zero timeout barely waits), then reports the partition {@link RunState#STANDBY}.
   *
   * @return the worker's last position, or null if the partition was not owned here
   */
  @Nullable Long stop(int partition, Duration timeout) {
    TrackingWorker worker;
    synchronized (this) {
      worker = workers.remove(partition);
    }
    if (worker == null) {
      return null;
    }
    worker.requestStop();
    worker.join(timeout.isZero() ? Duration.ofMillis(1) : timeout);
    statuses.get(partition).state(RunState.STANDBY);
    return statuses.get(partition).position();
  }

  /**
   * Stops the workers of the partitions owned now, waiting up to the timeout for each, runs the
   * action, and starts them again for the partitions still owned, unless a stop is requested.
   */
  void whileStopped(Runnable action, Duration timeout, BooleanSupplier stopRequested) {
    List<Integer> owned;
    List<TrackingWorker> running;
    synchronized (this) {
      owned = owned();
      running = List.copyOf(workers.values());
    }
    running.forEach(TrackingWorker::requestStop);
    running.forEach(worker -> worker.join(timeout));
    try {
      action.run();
    } finally {
      synchronized (this) {
        for (int partition : owned) {
          if (workers.containsKey(partition) && !stopRequested.getAsBoolean()) {
            start(partition);
          }
        }
      }
    }
  }
}
