package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ProcessingInterruptedException;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.MetricNames;
import io.orchestrix.projection.core.ProjectionStatus;
import io.orchestrix.projection.core.ProjectionStatus.RunState;
import io.orchestrix.projection.core.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One projection's thread inside a runner: read a page after the checkpoint, process it, repeat; wait
 * when caught up; retry failures as the policy says. Control calls (pause, resume, stop, awaitPosition)
 * are thread-safe and wake the thread through one condition.
 */
public final class TrackingWorker {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingWorker.class);
  private static final Duration MIN_IDLE_WAIT = Duration.ofMillis(1);
  private static final Duration DEAD_LETTER_COUNT_INTERVAL = Duration.ofSeconds(2);

  private final ProjectionEngine engine;
  private final String projectionId;
  private final EventSource source;
  private final RetryPolicy policy;
  private final int batchSize;
  private final Duration maxIdleWait;
  private final Clock clock;
  private final @Nullable Counter retries;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private @Nullable Thread thread;
  private boolean stopRequested;
  private boolean pauseRequested;
  private boolean failedWaiting;
  private boolean pausedAcknowledged;
  /** True while the worker waits in the source for an append: only then may it be interrupted. */
  private boolean waitingForAppend;

  private volatile RunState state = RunState.STOPPED;
  private volatile @Nullable String lastError;
  private volatile long headPosition;
  private volatile double eventsPerSecond;
  private volatile Duration lagTime = Duration.ZERO;
  private volatile long deadLetterCount;
  private volatile double oldestDeadLetterSeconds;
  private volatile long position;
  private Instant deadLettersCountedAt = Instant.EPOCH;
  private int handlerAttempts;
  private int outageAttempts;

  public TrackingWorker(ProjectionEngine engine, EventSource source, RetryPolicy policy,
      int batchSize, Duration maxIdleWait, Clock clock, @Nullable MeterRegistry registry) {
    this.engine = engine;
    this.projectionId = engine.projectionId();
    this.source = source;
    this.policy = policy;
    this.batchSize = batchSize;
    this.maxIdleWait = maxIdleWait;
    this.clock = clock;
    if (registry != null) {
      Tags tags = Tags.of(MetricNames.TAG_PROJECTION, projectionId);
      retries = Counter.builder(MetricNames.RETRIES).tags(tags)
          .description("retries after handler failures and store outages").register(registry);
      Gauge.builder(MetricNames.LAG_EVENTS, this, w -> Math.max(0, w.headPosition - w.position))
          .tags(tags).description("positions behind the source's head").register(registry);
      Gauge.builder(MetricNames.LAG_SECONDS, this, w -> w.lagTime.toMillis() / 1000.0)
          .tags(tags).description("age of the last applied event while behind").register(registry);
      Gauge.builder(MetricNames.DEAD_LETTERS, this, w -> w.deadLetterCount)
          .tags(tags).description("dead letters, failed and parked").register(registry);
      Gauge.builder(MetricNames.DEAD_LETTERS_OLDEST_SECONDS, this, w -> w.oldestDeadLetterSeconds)
          .tags(tags).description("age of the oldest dead letter").register(registry);
    } else {
      retries = null;
    }
  }

  public void start() {
    lock.lock();
    try {
      if (thread == null) {
        stopRequested = false;
        thread = new Thread(this::loop, "projection-" + projectionId);
        thread.setDaemon(true);
        thread.start();
      }
    } finally {
      lock.unlock();
    }
  }

  public void requestStop() {
    signal(() -> stopRequested = true);
  }

  public void join(Duration timeout) {
    Thread running;
    lock.lock();
    try {
      running = thread;
    } finally {
      lock.unlock();
    }
    if (running == null) {
      return;
    }
    try {
      running.join(Math.max(1, timeout.toMillis()));
      if (running.isAlive()) {
        LOG.warn("projection '{}' did not stop within {}; interrupting its batch, which then commits"
            + " nothing", projectionId, timeout);
        running.interrupt();
        running.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      if (thread == running && !running.isAlive()) {
        thread = null;
      }
    } finally {
      lock.unlock();
    }
  }

  public void pause() {
    signal(() -> pauseRequested = true);
  }

  public void resume() {
    signal(() -> {
      pauseRequested = false;
      failedWaiting = false;
      handlerAttempts = 0;
    });
  }

  /** Runs an operation on the engine while this projection's thread is paused (or not running). */
  public void whilePaused(Consumer<ProjectionEngine> operation) {
    boolean wasPaused;
    lock.lock();
    try {
      wasPaused = pauseRequested;
      pauseRequested = true;
      changed.signalAll();
      while (thread != null && thread.isAlive() && !pausedAcknowledged && !stopRequested) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    try {
      operation.accept(engine);
      position = engine.state().lastProcessedPosition();
    } finally {
      signal(() -> {
        pauseRequested = wasPaused;
        failedWaiting = false;
        handlerAttempts = 0;
      });
    }
  }

  public boolean awaitPosition(long target, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (engine.state().lastProcessedPosition() < target) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  public ProjectionStatus status() {
    ProjectionState current = engine.state();
    long checkpoint = current.lastProcessedPosition();
    long head = Math.max(headPosition, checkpoint);
    return new ProjectionStatus(projectionId, state, checkpoint, head, head - checkpoint,
        head > checkpoint ? lagTime : Duration.ZERO, current.healthy(), lastError, eventsPerSecond,
        deadLetterCount);
  }

  // ---------------------------------------------------------------------------------------------

  private void loop() {
    Duration idle = MIN_IDLE_WAIT;
    try {
      position = engine.state().lastProcessedPosition();
      while (true) {
        lock.lock();
        try {
          if ((stopRequested || pauseRequested) && inFlight != null) {
            lock.unlock();
            try {
              settleInFlight();
            } finally {
              lock.lock();
            }
            continue;
          }
          if (stopRequested) {
            return;
          }
          if (pauseRequested || failedWaiting) {
            state = pauseRequested ? RunState.PAUSED : RunState.FAILED;
            pausedAcknowledged = true;
            changed.signalAll();
            changed.awaitUninterruptibly();
            continue;
          }
          pausedAcknowledged = false;
        } finally {
          lock.unlock();
        }
        idle = step(idle);
      }
    } catch (RuntimeException | Error unexpected) {
      lastError = unexpected.toString();
      LOG.error("projection '{}' runner thread ended unexpectedly", projectionId, unexpected);
      throw unexpected;
    } finally {
      settleQuietly(inFlight);
      state = RunState.STOPPED;
      signal(() -> pausedAcknowledged = true);
    }
  }

  /** A page submitted to the engine whose commit may still be in flight. */
  private record Submitted(CompletionStage<BatchResult> stage, List<EventEnvelope<?>> page,
      long started) {}

  private @Nullable Submitted inFlight;

  /**
   * One round: read a page and submit it, or wait; returns the next idle wait. Pages are pipelined:
   * the next page is read and its handlers run while the previous page commits. Every outcome is
   * settled in order, and a failure settles what was submitted after it before it is handled, so the
   * retry starts from the committed checkpoint.
   */
  private Duration step(Duration idle) {
    long after = inFlight != null
        ? inFlight.page().get(inFlight.page().size() - 1).position()
        : engine.state().lastProcessedPosition();
    List<EventEnvelope<?>> page;
    try {
      page = source.read(after, batchSize);
      headPosition = Math.max(source.headPosition(),
          page.isEmpty() ? after : page.get(page.size() - 1).position());
    } catch (StoreException e) {
      if (!settleInFlight()) {
        storeFailure(e, null);
      }
      return idle;
    }
    countDeadLettersNowAndThen();
    if (page.isEmpty()) {
      if (inFlight != null) {
        settleInFlight();
        return MIN_IDLE_WAIT;
      }
      state = RunState.RUNNING;
      lagTime = Duration.ZERO;
      return waitForEvents(after, idle);
    }
    state = page.get(page.size() - 1).position() < headPosition
        ? RunState.CATCHING_UP : RunState.RUNNING;
    Submitted submitted;
    try {
      submitted = new Submitted(engine.submit(page), page, System.nanoTime());
    } catch (ProjectionException e) {
      // a failure of the batch in flight explains this one (a stopped projection, a failed commit)
      if (!settleInFlight()) {
        handle(e, page);
      }
      return MIN_IDLE_WAIT;
    }
    Submitted previous = inFlight;
    inFlight = submitted;
    if (previous != null && settle(previous)) {
      settleQuietly(submitted);
    }
    return MIN_IDLE_WAIT;
  }

  /** Settles the batch in flight, if any; returns true if it failed (and the failure was handled). */
  private boolean settleInFlight() {
    Submitted submitted = inFlight;
    return submitted != null && settle(submitted);
  }

  /** Waits for a submitted batch's commit and handles its outcome; returns true if it failed. */
  private boolean settle(Submitted submitted) {
    if (inFlight == submitted) {
      inFlight = null;
    }
    try {
      BatchResult result = submitted.stage().toCompletableFuture().join();
      long nanos = Math.max(1, System.nanoTime() - submitted.started());
      int events = result.applied() + result.skipped() + result.deadLettered();
      eventsPerSecond = events * 1e9 / nanos;
      EventEnvelope<?> last = submitted.page().get(submitted.page().size() - 1);
      lagTime = Duration.between(last.occurredAt(), clock.instant());
      handlerAttempts = 0;
      outageAttempts = 0;
      if (result.deadLettered() > 0) {
        deadLettersCountedAt = Instant.EPOCH;
      }
      return false;
    } catch (CompletionException e) {
      settleQuietly(inFlight);
      Throwable cause = e.getCause();
      if (cause instanceof ProjectionException failure) {
        handle(failure, submitted.page());
      } else {
        fail(String.valueOf(cause), cause instanceof Exception ex ? ex : e);
      }
      return true;
    } finally {
      position = engine.state().lastProcessedPosition();
      signal(() -> { });
    }
  }

  /** Waits for a batch whose outcome follows from an earlier failure, which is handled already. */
  private void settleQuietly(@Nullable Submitted submitted) {
    if (submitted == null) {
      return;
    }
    if (inFlight == submitted) {
      inFlight = null;
    }
    try {
      submitted.stage().toCompletableFuture().join();
    } catch (CompletionException consequence) {
      LOG.debug("projection '{}': a batch queued after a failed one was not committed: {}",
          projectionId, consequence.getCause() == null ? consequence : consequence.getCause());
    }
  }

  private void handle(ProjectionException e, List<EventEnvelope<?>> page) {
    if (e instanceof HandlerFailedException failed) {
      handlerFailure(failed, page);
    } else if (e instanceof ProcessingInterruptedException) {
      if (!isStopRequested()) {
        storeFailure(StoreException.outage(e.getMessage(), projectionId, e), null);
      }
    } else if (e instanceof StoreException storeException) {
      storeFailure(e, storeException);
    } else if (e instanceof ProjectionConflictException) {
      storeFailure(e, null);
    } else {
      fail(e.getMessage(), e);
    }
  }

  private void handlerFailure(HandlerFailedException e, List<EventEnvelope<?>> page) {
    handlerAttempts++;
    lastError = e.getMessage();
    if (handlerAttempts < policy.maxAttempts()) {
      state = RunState.RETRYING;
      increment(retries);
      Duration wait = policy.backoff(handlerAttempts);
      LOG.warn("projection '{}' failed on event {} at position {} (attempt {} of {}); retrying in {}:"
          + " {}", projectionId, e.eventId().orElse("?"), e.position(), handlerAttempts,
          policy.maxAttempts(), wait, e.getMessage());
      sleep(wait);
      return;
    }
    if (policy.afterRetries() == RetryPolicy.AfterRetries.DEAD_LETTER) {
      EventEnvelope<?> failed = page.stream().filter(event -> event.position() == e.position())
          .findFirst().orElseThrow(() -> new IllegalStateException(
              "the failed event at position " + e.position() + " is not in the page read"));
      LOG.warn("projection '{}' dead-letters event {} at position {} after {} attempts: {}",
          projectionId, failed.eventId(), failed.position(), handlerAttempts, e.getMessage());
      try {
        engine.deadLetterFailedEvent(failed, handlerAttempts);
        handlerAttempts = 0;
        deadLettersCountedAt = Instant.EPOCH;
      } catch (StoreException | ProjectionConflictException outage) {
        storeFailure(outage, outage instanceof StoreException se ? se : null);
      }
      return;
    }
    fail("stopped at event " + e.eventId().orElse("?") + " at position " + e.position() + " after "
        + handlerAttempts + " attempts: " + e.getMessage(), e);
  }

  private void storeFailure(ProjectionException e, @Nullable StoreException storeException) {
    if (storeException != null && !storeException.isTransient()) {
      fail(e.getMessage(), e);
      return;
    }
    outageAttempts++;
    lastError = e.getMessage();
    state = RunState.RETRYING;
    increment(retries);
    Duration wait = policy.backoff(Math.min(outageAttempts, 30));
    LOG.warn("projection '{}' cannot reach its store or source (attempt {}); retrying in {}: {}",
        projectionId, outageAttempts, wait, e.getMessage());
    sleep(wait);
  }

  private void fail(String message, Exception e) {
    lastError = message;
    LOG.error("projection '{}' stopped: {}", projectionId, message, e);
    signal(() -> failedWaiting = true);
  }

  private Duration waitForEvents(long checkpoint, Duration idle) {
    try {
      if (awaitAppendInterruptibly(checkpoint)) {
        return MIN_IDLE_WAIT;
      }
    } catch (InterruptedException e) {
      return idle;
    } catch (StoreException e) {
      storeFailure(e, e);
      return idle;
    }
    sleep(idle);
    Duration next = idle.multipliedBy(2);
    return next.compareTo(maxIdleWait) > 0 ? maxIdleWait : next;
  }

  /**
   * Waits in the source for an append; {@link #requestStop}, {@link #pause} and {@link #resume}
   * interrupt this wait (and only this wait) so that they take effect at once.
   */
  private boolean awaitAppendInterruptibly(long checkpoint) throws InterruptedException {
    lock.lock();
    try {
      if (stopRequested || pauseRequested) {
        return false;
      }
      waitingForAppend = true;
    } finally {
      lock.unlock();
    }
    try {
      return source.awaitAppend(checkpoint, maxIdleWait);
    } finally {
      lock.lock();
      try {
        waitingForAppend = false;
        Thread.interrupted();
      } finally {
        lock.unlock();
      }
    }
  }

  private void countDeadLettersNowAndThen() {
    Instant now = clock.instant();
    if (Duration.between(deadLettersCountedAt, now).compareTo(DEAD_LETTER_COUNT_INTERVAL) < 0) {
      return;
    }
    deadLettersCountedAt = now;
    try {
      List<DeadLetter> letters = engine.deadLetters();
      deadLetterCount = letters.size();
      oldestDeadLetterSeconds = letters.stream().map(DeadLetter::firstFailureAt).min(Instant::compareTo)
          .map(first -> Duration.between(first, now).toMillis() / 1000.0).orElse(0.0);
    } catch (StoreException e) {
      LOG.debug("projection '{}': could not count dead letters: {}", projectionId, e.getMessage());
    }
  }

  private boolean isStopRequested() {
    lock.lock();
    try {
      return stopRequested;
    } finally {
      lock.unlock();
    }
  }

  /** Waits, waking early for stop and pause. */
  private void sleep(Duration wait) {
    long nanos = wait.toNanos();
    lock.lock();
    try {
      while (nanos > 0 && !stopRequested && !pauseRequested) {
        nanos = changed.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private void signal(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
      Thread running = thread;
      if (waitingForAppend && running != null && (stopRequested || pauseRequested)) {
        running.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  private static void increment(@Nullable Counter counter) {
    if (counter != null) {
      try {
        counter.increment();
      } catch (RuntimeException e) {
        LOG.warn("recording a metric failed; processing goes on", e);
      }
    }
  }
}
