package io.orchestrix.projection.spi.support;

import io.orchestrix.projection.StoreException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether one store has been started and whether it is closed. A start runs at most once
 * successfully: one that throws is run again by the next call, and concurrent callers wait for the
 * one under way. Closing is final and happens once. Thread-safe.
 */
final class StoreLifecycle {

  private final String description;
  private final Object startLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean started;

  StoreLifecycle(String description) {
    this.description = description;
  }

  /** Throws a fatal {@link StoreException} saying the store is closed, if it is. */
  void requireOpen() {
    if (closed.get()) {
      throw StoreException.failure("store " + description + " is closed", null, null);
    }
  }

  /** Runs {@code start} unless a run of it has returned; its exception passes unchanged. */
  void startOnce(Runnable start) {
    if (!started) {
      synchronized (startLock) {
        if (!started) {
          start.run();
          started = true;
        }
      }
    }
  }

  /** Marks the store closed, returning true for the first call only. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  boolean isClosed() {
    return closed.get();
  }
}
