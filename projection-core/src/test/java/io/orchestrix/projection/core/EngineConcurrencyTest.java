package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.event;
import static io.orchestrix.projection.core.Fixtures.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.PositionGapException;
import io.orchestrix.projection.ProjectionConflictException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EngineConcurrencyTest {

  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  @Test
  void manyThreadsFeedingOverlappingBatchesApplyEveryEventExactlyOnce() throws Exception {
    ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
        .requireContiguousPositions(true).build();
    AtomicInteger gapsRefused = new AtomicInteger();
    Fixtures.accountHandlers(engine);
    AtomicInteger handlerCalls = new AtomicInteger();
    engine.on(Deposited.class, e -> handlerCalls.incrementAndGet());
    List<EventEnvelope<?>> stream = new ArrayList<>();
    stream.add(event(1, new Opened("a", "ann")));
    for (int p = 2; p <= 2001; p++) {
      stream.add(event(p, new Deposited("a", 1)));
    }
    engine.handleEvent(stream.get(0));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        futures.add(pool.submit(() -> {
          start.await();
          // every thread delivers the whole stream in windows that overlap other threads' windows
          for (int from = 1 + offset; from < stream.size(); from += 50) {
            try {
              engine.processEvents(stream.subList(from, Math.min(stream.size(), from + 100)));
            } catch (PositionGapException ahead) {
              gapsRefused.incrementAndGet(); // a slower thread delivers the missing events
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(2000);
    assertThat(handlerCalls.get()).isEqualTo(2000);
    assertThat(engine.state().lastProcessedPosition()).isEqualTo(2001);
  }

  @Test
  void withGapsAllowedAnEventAheadOfTheCheckpointIsAppliedAndContiguousModeRefusesIt() {
    ProjectionEngine gaps = Projections.engine("gaps").store(store).readModel(ACCOUNTS).build();
    Fixtures.accountHandlers(gaps);
    gaps.processEvents(List.of(event(1, new Opened("a", "ann")), event(5, new Deposited("a", 1))));
    assertThat(gaps.state().lastProcessedPosition()).isEqualTo(5);

    ProjectionEngine strict = Projections.engine("strict").store(store).readModel(ACCOUNTS)
        .requireContiguousPositions(true).build();
    Fixtures.accountHandlers(strict);
    assertThatThrownBy(() -> strict.handleEvent(event(2, new Opened("b", "bob"))))
        .isInstanceOf(PositionGapException.class)
        .hasMessageContaining("expects the event at position 1 next");
    assertThatThrownBy(() -> strict.processEvents(
        List.of(event(1, new Opened("b", "bob")), event(3, new Deposited("b", 1)))))
        .isInstanceOf(io.orchestrix.projection.InvalidEventException.class)
        .hasMessageContaining("requires contiguous positions");
    assertThat(strict.state().lastProcessedPosition()).isZero();
  }

  @Test
  void aWriterThatLostOwnershipCannotCommitAndNothingIsAppliedTwice() {
    ProjectionEngine first = Projections.engine("accounts").store(store).readModel(ACCOUNTS).build();
    Fixtures.accountHandlers(first);
    first.processEvents(events(1, new Opened("a", "ann")));

    ProjectionEngine second = Projections.engine("accounts").store(store).readModel(ACCOUNTS).build();
    Fixtures.accountHandlers(second);
    second.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 5)));

    assertThatThrownBy(() -> first.processEvents(events(2, new Deposited("a", 5))))
        .isInstanceOf(WriterFencedException.class)
        .isInstanceOf(ProjectionConflictException.class)
        .hasMessageContaining("another writer owns the projection");
    assertThat(second.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(5);

    // the fenced writer reloads on its next call and skips what the other applied
    first.processEvents(events(2, new Deposited("a", 5), new Deposited("a", 1)));
    assertThat(first.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(6);
  }
}
