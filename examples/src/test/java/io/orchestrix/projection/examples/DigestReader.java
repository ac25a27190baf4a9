package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread that computes the digest of the whole workload read model over and over through a view,
 * keeping every distinct digest it saw: a reader that would notice an empty, partial or mixed model.
 * Thread-safe.
 */
final class DigestReader implements AutoCloseable {

  private final AtomicBoolean reading = new AtomicBoolean(true);
  private final AtomicLong reads = new AtomicLong();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Thread thread;

  /** Starts reading through the view. */
  DigestReader(ReadModelView<OrderSummaryDocument> view) {
    thread = new Thread(() -> {
      while (reading.get()) {
        seen.add(ReadModelDigest.of(view).toString());
        reads.incrementAndGet();
      }
    }, "digest-reader");
    thread.start();
  }

  /** Waits until the reader has read the whole model a few more times than it had now. */
  void awaitMoreReads(Duration deadline) {
    long now = reads.get();
    await().atMost(deadline).until(() -> reads.get() > now + 2);
  }

  /** After a few more reads: asserts that every digest it computed so far was the reference. */
  void assertOnlySaw(String reference, Duration deadline) {
    awaitMoreReads(deadline);
    assertThat(seen).as("every digest a reader computed, over %d reads", reads.get())
        .containsExactly(reference);
  }

  @Override
  public void close() throws InterruptedException {
    reading.set(false);
    thread.join(30_000);
  }
}
