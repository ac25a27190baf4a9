package io.orchestrix.projection.core.internal;

import java.time.Duration;

/**
 * Which generation queries read, re-read from the registry at most every refresh interval, or at once
 * when asked. Thread-safe; a stale value is at most one interval old.
 */
final class LivePointer {

  private record Read(int generation, long atNanos) {}

  private final GenerationControl control;
  private final long refreshNanos;
  private volatile Read last;

  LivePointer(GenerationControl control, Duration refresh) {
    this.control = control;
    this.refreshNanos = refresh.toNanos();
  }

  /**
   * The live generation, as read at most one interval ago.
   *
   * @throws io.orchestrix.projection.StoreException if the store fails when it must be read
   */
  int current() {
    Read read = last;
    if (read == null || System.nanoTime() - read.atNanos() >= refreshNanos) {
      return refresh();
    }
    return read.generation();
  }

  /** Reads the registry now. */
  int refresh() {
    int generation = control.live().number();
    last = new Read(generation, System.nanoTime());
    return generation;
  }
}
