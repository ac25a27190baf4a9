package io.orchestrix.projection.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handlers of one engine, in registration order, with a per-payload-class dispatch table.
 * Thread-safe: registration publishes a new immutable snapshot; dispatch reads whichever snapshot is
 * current when the batch starts.
 */
final class HandlerRegistry {

  private volatile Snapshot snapshot = new Snapshot(List.of());

  private final AtomicInteger lambdas = new AtomicInteger();

  /** The number of the next handler registered as a lambda, for its name. */
  int nextLambdaNumber() {
    return lambdas.incrementAndGet();
  }

  synchronized void add(List<RegisteredHandler> added) {
    List<RegisteredHandler> all = new ArrayList<>(snapshot.handlers);
    all.addAll(added);
    snapshot = new Snapshot(List.copyOf(all));
  }

  int size() {
    return snapshot.handlers.size();
  }

  Snapshot snapshot() {
    return snapshot;
  }

  /**
   * An immutable list of handlers and a lazily filled table from payload class to its handlers, with
   * a few recently used classes compared by identity in front of it (most streams have a handful of
   * event types). The table is thread-safe; the recent entries are written racily but each slot is
   * one immutable pair, so a reader sees a whole pair or an older one.
   */
  static final class Snapshot {
    private static final RegisteredHandler[] NONE = new RegisteredHandler[0];
    private static final int RECENT = 8;

    private record Entry(Class<?> payloadClass, RegisteredHandler[] handlers) {}

    private final List<RegisteredHandler> handlers;
    private final Map<Class<?>, RegisteredHandler[]> byClass = new ConcurrentHashMap<>();
    private final Entry[] recent = new Entry[RECENT];
    private int nextRecent;

    Snapshot(List<RegisteredHandler> handlers) {
      this.handlers = handlers;
    }

    /** The handlers for a payload class: every handler whose type the class is assignable to. */
    RegisteredHandler[] handlersFor(Class<?> payloadClass) {
      for (Entry entry : recent) {
        if (entry != null && entry.payloadClass == payloadClass) {
          return entry.handlers;
        }
      }
      RegisteredHandler[] found = lookup(payloadClass);
      recent[nextRecent] = new Entry(payloadClass, found);
      nextRecent = (nextRecent + 1) % RECENT;
      return found;
    }

    private RegisteredHandler[] lookup(Class<?> payloadClass) {
      RegisteredHandler[] found = byClass.get(payloadClass);
      if (found == null) {
        found = handlers.stream()
            .filter(handler -> handler.eventType().isAssignableFrom(payloadClass))
            .toArray(RegisteredHandler[]::new);
        if (found.length == 0) {
          found = NONE;
        }
        byClass.put(payloadClass, found);
      }
      return found;
    }
  }
}
