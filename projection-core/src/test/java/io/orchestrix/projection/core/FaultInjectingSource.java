package io.orchestrix.projection.core;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.StoreException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An event source that counts its calls by kind and, once armed, fails every call of one kind from
 * the n-th on, as an outage of the event store would, until released. Thread-safe.
 */
final class FaultInjectingSource implements EventSource {

  /** The kinds of source call. */
  enum Call { READ, HEAD, AWAIT }

  private final EventSource delegate;
  private final Map<Call, AtomicInteger> calls = new EnumMap<>(Call.class);
  private volatile @Nullable Call failing;
  private volatile int fromCall;
  private volatile boolean released;
  private final AtomicInteger injected = new AtomicInteger();

  FaultInjectingSource(EventSource delegate) {
    this.delegate = delegate;
    for (Call call : Call.values()) {
      calls.put(call, new AtomicInteger());
    }
  }

  void failFrom(Call call, int n) {
    calls.get(call).set(0);
    fromCall = n;
    released = false;
    failing = call;
  }

  void release() {
    released = true;
  }

  int calls(Call call) {
    return calls.get(call).get();
  }

  int injected() {
    return injected.get();
  }

  private void maybeFail(Call call) {
    int number = calls.get(call).incrementAndGet();
    if (failing == call && !released && number >= fromCall) {
      injected.incrementAndGet();
      throw StoreException.outage("injected source outage at " + call + " call " + number, null,
          null);
    }
  }

  @Override
  public List<EventEnvelope<?>> read(long afterPosition, int limit) {
    maybeFail(Call.READ);
    return delegate.read(afterPosition, limit);
  }

  @Override
  public long headPosition() {
    maybeFail(Call.HEAD);
    return delegate.headPosition();
  }

  @Override
  public boolean awaitAppend(long afterPosition, Duration timeout) throws InterruptedException {
    maybeFail(Call.AWAIT);
    return delegate.awaitAppend(afterPosition, timeout);
  }
}
