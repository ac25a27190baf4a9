package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventPage;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.core.internal.WorkerControl.Next;
import io.orchestrix.projection.core.internal.WriterSession.Submission;
import io.orchestrix.projection.spi.Commit;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One projection's thread inside a runner: claim, read a page after the checkpoint, submit it, repeat;
 * wait when caught up. The engine decides what a failure means ({@link BatchOutcome}); this thread
 * only waits, reschedules and reports, through its {@link FailureResponse}: a handler retry after
 * the policy's delay, a store outage or fencing conflict with backoff for as long as it lasts (at
 * start-up up to the runner's limit), a stop at a failed event or a fatal error by holding until an
 * operator resumes. A generation built under a rate limit also waits before each page for as long
 * as its session says. Whatever ends the thread
 * unexpectedly is reported as {@link RunState#FAILED} with its cause. Status never touches the store.
 */
public final class TrackingWorker implements ProjectionWorker {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingWorker.class);
  private static final Duration MIN_IDLE_WAIT = Duration.ofMillis(1);

  private final String projectionId;
  private final WriterSession session;
  private final ProjectionOperations operations;
  private final EventSource source;
  private final RunnerSettings settings;
  private final WorkerControl control;
  private final WorkerStatus status;
  private final PageReader pages;
  private final DeadLetterCounter deadLetters;
  private final StartupWindow startup;
  private final FailureResponse failures;
  /** Whether a lease decides who writes: then a fenced worker ends instead of claiming again. */
  private final boolean leased;

  /** A page whose commit may still be in flight. */
  private record InFlight(Submission submission, List<EventEnvelope<?>> page, long started) {
    long lastPosition() {
      return page.get(page.size() - 1).position();
    }
  }

  private @Nullable InFlight inFlight;
  private volatile boolean claimed;

  private TrackingWorker(DefaultProjectionEngine engine, EventSource source, RunnerSettings settings,
      WorkerStatus status, PartitionFilter filter, boolean leased) {
    this.session = engine.writerSession();
    this.projectionId = session.writerKey();
    this.operations = engine.operations();
    this.source = source;
    this.settings = settings;
    this.control = new WorkerControl("projection-" + projectionId, settings.executor());
    this.status = status;
    this.pages = new PageReader(source, filter, settings.batchSize());
    this.deadLetters = new DeadLetterCounter(session, status, settings.clock());
    this.startup = new StartupWindow(settings);
    this.failures = new FailureResponse(projectionId, status, control, settings, startup, leased);
    this.leased = leased;
  }

  /**
   * A worker for one partition of a projection whose partitions are shared out by leases: it reads
   * only the partition's events, and ends, reporting {@link RunState#STANDBY}, as soon as another
   * writer fences it, rather than claiming the partition back.
   *
   * @param status the partition's status, kept by its coordinator across the workers it starts
   */
  static TrackingWorker forLeasedPartition(DefaultProjectionEngine partition, EventSource source,
      RunnerSettings settings, WorkerStatus status) {
    int number = partition.writerSession().partition();
    PartitionFilter filter = number < 0 ? PartitionFilter.ALL : partition.partitionFilter(number);
    return new TrackingWorker(partition, source, settings, status, filter, true);
  }

  /**
   * A worker for an engine of this library.
   *
   * @throws IllegalArgumentException if the engine was not built by {@code Projections.engine}
   */
  public static TrackingWorker create(ProjectionEngine engine, EventSource source,
      RunnerSettings settings, @Nullable MeterRegistry registry) {
    if (!(engine instanceof DefaultProjectionEngine ours)) {
      throw new IllegalArgumentException("projection: a runner runs engines built by"
          + " Projections.engine(...), not " + engine.getClass().getName());
    }
    return new TrackingWorker(ours, source, settings,
        new WorkerStatus(ours.projectionId(), Commit.UNPARTITIONED, settings.clock(), registry),
        PartitionFilter.ALL, false);
  }

  @Override
  public String projectionId() {
    return projectionId;
  }

  /**
   * Starts the loop on its own thread or as a task of the runner's executor.
   *
   * @throws RejectedExecutionException if the executor rejects the task; the worker then reports
   *     {@link RunState#FAILED} with a message naming the executor, and may be started again
   */
  @Override
  public void start() {
    try {
      control.start(this::run);
    } catch (RejectedExecutionException e) {
      status.error("the executor " + settings.executor() + " rejected the processing loop of '"
          + projectionId + "': " + e);
      status.state(RunState.FAILED);
      throw e;
    }
  }

  /** Whether the thread was started and has not ended. */
  public boolean isAlive() {
    return control.isAlive();
  }

  @Override
  public void requestStop() {
    control.requestStop();
  }

  @Override
  public void join(Duration timeout) {
    control.join(timeout);
  }

  @Override
  public void pause() {
    control.pause();
  }

  /** Resumes a paused or failed projection; a failed event gets its attempts afresh. */
  @Override
  public void resume() {
    session.clearFailures();
    control.resume();
  }

  /** Runs an operator's action while this projection's thread holds (or is not running). */
  @Override
  public void whilePaused(Consumer<ProjectionOperations> operation) {
    control.whileHeld(() -> {
      operation.accept(operations);
      ProjectionState after = session.knownState();
      if (after != null) {
        status.known(after);
      }
      claimed = false;
    });
  }

  /** Waits until the checkpoint reaches the position; never asks the store. */
  @Override
  public boolean awaitPosition(long target, Duration timeout) throws InterruptedException {
    return control.awaitCondition(() -> status.position() >= target, timeout);
  }

  /** What the thread knows now; never asks the store, never throws. */
  @Override
  public ProjectionStatus status() {
    return status.snapshot();
  }

  // ---- the thread

  private void run() {
    boolean died = false;
    try {
      Duration idle = MIN_IDLE_WAIT;
      while (true) {
        if (control.holdPending() && inFlight != null) {
          settle(inFlight);
          continue;
        }
        if (control.isPaused()) {
          status.state(RunState.PAUSED);
        }
        Next next = control.next();
        if (next == Next.STOP) {
          return;
        }
        if (next == Next.RUN && (claimed || claim())) {
          idle = step(idle);
        }
      }
    } catch (RuntimeException | Error unexpected) {
      died = true;
      status.error("the runner thread of projection '" + projectionId + "' ended unexpectedly: "
          + unexpected);
      status.state(RunState.FAILED);
      LOG.error("projection '{}': its runner thread ended unexpectedly", projectionId, unexpected);
    } finally {
      settleQuietly(inFlight);
      if (!died && status.state() != RunState.STANDBY) {
        status.state(leased ? RunState.STANDBY : RunState.STOPPED);
      }
      control.ended();
    }
  }

  /** Claims the projection (again); returns whether it may go on. */
  private boolean claim() {
    if (startup.attempt()) {
      status.state(RunState.WAITING_FOR_STORE);
    }
    BatchOutcome outcome = session.start();
    if (outcome instanceof BatchOutcome.Completed completed) {
      claimed = true;
      startup.claimed();
      failures.recovered();
      // under the control's lock and with a wake-up, so a caller in awaitPosition sees it at once
      control.signal(() -> status.known(completed.state()));
      return true;
    }
    ProjectionException failure = ((BatchOutcome.Failed) outcome).failure();
    if (startup.limitPassed()) {
      failures.startupLimitPassed(failure);
    } else {
      handleFailure(failure);
    }
    return false;
  }

  /**
   * One round: read a page and submit it, or wait; returns the next idle wait. The next page is read
   * and its handlers run while the previous page commits; outcomes are settled in order, and a page
   * that did not prepare cleanly is settled before anything is read after it.
   */
  private Duration step(Duration idle) {
    long after = inFlight != null ? inFlight.lastPosition() : status.position();
    List<EventEnvelope<?>> page;
    long scannedTo;
    try {
      EventPage read = pages.read(after);
      page = read.events();
      scannedTo = read.scannedTo();
      status.head(pages.head(scannedTo));
    } catch (ProjectionException e) {
      if (inFlight == null || settle(inFlight)) {
        handleFailure(e);
      }
      return idle;
    }
    deadLetters.countNowAndThen();
    if (page.isEmpty()) {
      if (inFlight != null) {
        settle(inFlight);
        return MIN_IDLE_WAIT;
      }
      if (scannedTo > after) {
        return advancePastOthers(scannedTo);
      }
      status.state(RunState.RUNNING);
      status.caughtUp();
      status.recovered();
      return waitForEvents(after, idle);
    }
    Duration paced = session.buildPause(page.size());
    if (!paced.isZero()) {
      control.sleep(paced);
    }
    InFlight submitted = new InFlight(session.submit(page), page, System.nanoTime());
    InFlight previous = inFlight;
    inFlight = submitted;
    if (previous != null && !settle(previous)) {
      settleQuietly(submitted);
      return MIN_IDLE_WAIT;
    }
    if (submitted.submission().prepared() instanceof BatchOutcome.Completed) {
      status.state(submitted.lastPosition() < status.snapshot().headPosition()
          ? RunState.CATCHING_UP : RunState.RUNNING);
    } else {
      settle(submitted);
    }
    return MIN_IDLE_WAIT;
  }

  /**
   * Moves the checkpoint of a partition past other partitions' events it has looked at, so that an
   * idle partition is not behind; returns the next idle wait.
   */
  private Duration advancePastOthers(long scannedTo) {
    BatchOutcome outcome = session.advanceTo(scannedTo);
    outcome.stateAfter().ifPresent(status::known);
    if (outcome instanceof BatchOutcome.Failed failed) {
      handleFailure(failed.failure());
    } else {
      control.signal(() -> { });
    }
    return MIN_IDLE_WAIT;
  }

  /** Waits for a submitted page's commit and acts on its outcome; returns true if it completed. */
  private boolean settle(InFlight submitted) {
    if (inFlight == submitted) {
      inFlight = null;
    }
    BatchOutcome outcome = submitted.submission().committed().join();
    outcome.stateAfter().ifPresent(status::known);
    if (outcome instanceof BatchOutcome.Completed completed) {
      failures.recovered();
      status.recovered();
      int events = completed.result().applied() + completed.result().skipped()
          + completed.result().deadLettered();
      status.progress(events, System.nanoTime() - submitted.started(),
          submitted.page().get(submitted.page().size() - 1).occurredAt());
      if (completed.result().deadLettered() > 0) {
        deadLetters.recountSoon();
      }
      control.signal(() -> { });
      return true;
    }
    control.signal(() -> { });
    if (outcome instanceof BatchOutcome.RetryLater retry) {
      failures.retryLater(retry);
    } else if (outcome instanceof BatchOutcome.Stopped stopped) {
      claimed = false;
      failures.stopped(stopped);
    } else {
      handleFailure(((BatchOutcome.Failed) outcome).failure());
    }
    return false;
  }

  /** Waits for a page whose outcome follows from an earlier failure, which is handled already. */
  private void settleQuietly(@Nullable InFlight submitted) {
    if (submitted == null) {
      return;
    }
    if (inFlight == submitted) {
      inFlight = null;
    }
    BatchOutcome outcome = submitted.submission().committed().join();
    outcome.stateAfter().ifPresent(state -> control.signal(() -> status.known(state)));
  }

  /** A failure that is not a handler's: the writer claims again after it ({@link FailureResponse}). */
  private void handleFailure(ProjectionException failure) {
    claimed = false;
    failures.handle(failure);
  }

  private Duration waitForEvents(long checkpoint, Duration idle) {
    try {
      if (control.interruptibleWait(() -> source.awaitAppend(checkpoint, settings.maxIdleWait()),
          false)) {
        return MIN_IDLE_WAIT;
      }
    } catch (InterruptedException e) {
      return idle;
    } catch (ProjectionException e) {
      handleFailure(e);
      return idle;
    }
    control.sleep(idle);
    Duration next = idle.multipliedBy(2);
    return next.compareTo(settings.maxIdleWait()) > 0 ? settings.maxIdleWait() : next;
  }

}
