package io.orchestrix.projection.core.internal;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controls of one runner thread: start, stop, pause, resume, and the waits that wake early for
 * them. Control calls are thread-safe and wake the thread through one condition; a wait in the
 * source for an append is the one place the thread may be interrupted. The loop runs on a daemon
 * thread of its own, or as one task of the user's executor, which then lends it a thread until the
 * loop ends (the thread's interrupt flag is cleared before it goes back).
 */
final class WorkerControl {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerControl.class);

  /** What the thread should do now. */
  enum Next { RUN, STOP, HOLD }

  private final String name;
  private final @Nullable Executor executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** The thread running the loop now; null before it begins and after it ends. */
  private @Nullable Thread thread;
  /** Started and not yet seen ended by {@link #join}: a start meanwhile does nothing. */
  private boolean launched;
  /** Started and not yet ended (a task of the executor may still wait for a thread). */
  private boolean running;
  private boolean stopRequested;
  private boolean pauseRequested;
  private boolean failedWaiting;
  private boolean holdAcknowledged;
  private boolean waitingForAppend;

  /** @param executor runs the loop as one task; null runs it on a daemon thread of its own */
  WorkerControl(String name, @Nullable Executor executor) {
    this.name = name;
    this.executor = executor;
  }

  /**
   * Starts the loop unless it was started and not yet joined.
   *
   * @throws RejectedExecutionException if the executor rejects the loop's task; nothing runs then
   */
  void start(Runnable body) {
    lock.lock();
    try {
      if (launched) {
        return;
      }
      stopRequested = false;
      launched = true;
      running = true;
    } finally {
      lock.unlock();
    }
    try {
      if (executor == null) {
        Thread own = new Thread(() -> runLoop(body), name);
        own.setDaemon(true);
        own.start();
      } else {
        executor.execute(() -> runLoop(body));
      }
    } catch (RuntimeException | Error e) {
      signal(() -> {
        launched = false;
        running = false;
      });
      throw e;
    }
  }

  private void runLoop(Runnable body) {
    signal(() -> thread = Thread.currentThread());
    try {
      body.run();
    } finally {
      signal(() -> {
        thread = null;
        running = false;
      });
      Thread.interrupted();
    }
  }

  /** Whether the loop was started and has not ended. */
  boolean isAlive() {
    return test(() -> running);
  }

  void requestStop() {
    signal(() -> stopRequested = true);
  }

  void pause() {
    signal(() -> pauseRequested = true);
  }

  /** Lifts a pause and a failure hold. */
  void resume() {
    signal(() -> {
      pauseRequested = false;
      failedWaiting = false;
    });
  }

  /** Holds the thread until {@link #resume()}: it failed in a way only an operator can clear. */
  void holdAfterFailure() {
    signal(() -> failedWaiting = true);
  }

  boolean isPaused() {
    return test(() -> pauseRequested);
  }

  boolean isStopRequested() {
    return test(() -> stopRequested);
  }

  /** What the thread does next; holding, it acknowledges the hold and waits for a change. */
  Next next() {
    lock.lock();
    try {
      if (stopRequested) {
        return Next.STOP;
      }
      if (pauseRequested || failedWaiting) {
        holdAcknowledged = true;
        changed.signalAll();
        changed.awaitUninterruptibly();
        return Next.HOLD;
      }
      holdAcknowledged = false;
      return Next.RUN;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a stop or pause is pending, so the batch in flight should be settled first. */
  boolean holdPending() {
    return test(() -> stopRequested || pauseRequested || failedWaiting);
  }

  /**
   * Pauses the thread, waits until it holds (or is not running), runs the operation, and restores
   * the pause as it was.
   */
  void whileHeld(Runnable operation) {
    boolean wasPaused;
    lock.lock();
    try {
      wasPaused = pauseRequested;
      pauseRequested = true;
      changed.signalAll();
      while (running && !holdAcknowledged && !stopRequested) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    try {
      operation.run();
    } finally {
      boolean restore = wasPaused;
      signal(() -> {
        pauseRequested = restore;
        failedWaiting = false;
      });
    }
  }

  /** Marks the thread as ended: a waiter of {@link #whileHeld} goes on. */
  void ended() {
    signal(() -> holdAcknowledged = true);
  }

  /** Waits, waking early for stop and pause. */
  void sleep(Duration wait) {
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

  /**
   * Waits until the condition holds or the timeout passes; the condition is checked after every
   * {@link #signal}.
   *
   * @return whether the condition holds
   */
  boolean awaitCondition(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!condition.getAsBoolean()) {
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

  /** Runs a wait in the source; stop and pause interrupt it (and only it) so they act at once. */
  <T> T interruptibleWait(InterruptibleCall<T> call, T ifHeld) throws InterruptedException {
    lock.lock();
    try {
      if (stopRequested || pauseRequested) {
        return ifHeld;
      }
      waitingForAppend = true;
    } finally {
      lock.unlock();
    }
    try {
      return call.call();
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

  /** A call that may be interrupted. */
  interface InterruptibleCall<T> {
    T call() throws InterruptedException;
  }

  /** Makes a change under the lock and wakes every waiter. */
  void signal(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
      Thread current = thread;
      if (waitingForAppend && current != null && (stopRequested || pauseRequested)) {
        current.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the loop to end, interrupting it after the timeout. */
  void join(Duration timeout) {
    lock.lock();
    try {
      if (!awaitEnd(Math.max(TimeUnit.MILLISECONDS.toNanos(1), timeout.toNanos()))) {
        LOG.warn("{} did not stop within {}; interrupting its batch, which then commits nothing",
            name, timeout);
        if (thread != null) {
          thread.interrupt();
        }
        awaitEnd(TimeUnit.SECONDS.toNanos(5));
      }
      if (!running) {
        launched = false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Waits, holding the lock, until the loop has ended; returns whether it has. */
  private boolean awaitEnd(long nanos) throws InterruptedException {
    while (running && nanos > 0) {
      nanos = changed.awaitNanos(nanos);
    }
    return !running;
  }

  private boolean test(BooleanSupplier read) {
    lock.lock();
    try {
      return read.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }
}
