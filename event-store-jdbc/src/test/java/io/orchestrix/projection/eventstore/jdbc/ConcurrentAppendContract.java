package io.orchestrix.projection.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Ticked;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Eight threads append single events while a reader follows with plain reads: the reader receives
 * every committed event exactly once, each stream in order, and positions only increase. Implemented
 * by the event store's contract.
 */
interface ConcurrentAppendContract {

  JdbcEventStore open(EventTypes types, JdbcStoreOptions options);

  String prefix();

  @Test
  @DisplayName("8 concurrent appenders and a following reader: nothing skipped, nothing read twice, streams in order")
  default void eightAppendersAndAFollowingReader() throws Exception {
    JdbcEventStore appendStore = open(EventFixtures.accountTypes(),
        JdbcStoreOptions.builder().tablePrefix(prefix()).poolSize(8).build());
    JdbcEventStore readStore = open(EventFixtures.accountTypes(),
        JdbcStoreOptions.builder().tablePrefix(prefix()).poolSize(2).build());
    Set<String> committed = ConcurrentHashMap.newKeySet();
    List<EventEnvelope<?>> received = new ArrayList<>();
    AtomicBoolean appending = new AtomicBoolean(true);
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      long after = 0;
      while (appending.get() || received.size() < committed.size()) {
        List<EventEnvelope<?>> page = readStore.read(after, 200);
        for (EventEnvelope<?> event : page) {
          assertThat(event.position()).as("positions only increase").isGreaterThan(after);
          after = event.position();
        }
        synchronized (received) {
          received.addAll(page);
        }
        if (page.isEmpty()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
      }
    });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writers = new ArrayList<>();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      for (int t = 0; t < 8; t++) {
        int thread = t;
        writers.add(pool.submit(() -> {
          long[] versions = new long[3];
          for (int n = 0; System.nanoTime() < until; n++) {
            int s = n % versions.length;
            String stream = "w" + thread + "-s" + s;
            List<String> ids = new ArrayList<>();
            appendStore.append(stream, versions[s], List.of(new Ticked(stream, versions[s] + 1)), Map.of(),
                (handle, appended) -> ids.addAll(appended.eventIds()));
            versions[s]++;
            committed.addAll(ids);
          }
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      synchronized (received) {
        return received.size() >= committed.size();
      }
    });
    appending.set(false);
    reader.get(30, TimeUnit.SECONDS);

    assertThat(received).extracting(EventEnvelope::eventId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(committed);
    Map<String, Long> lastSeq = new HashMap<>();
    for (EventEnvelope<?> event : received) {
      Ticked tick = (Ticked) event.payload();
      long expected = lastSeq.getOrDefault(tick.stream(), 0L) + 1;
      assertThat(tick.seq()).as("stream %s at position %d", tick.stream(), event.position())
          .isEqualTo(expected);
      lastSeq.put(tick.stream(), tick.seq());
    }
    System.out.println("8 appenders on " + appendStore.databaseName() + ": " + committed.size()
        + " events in 4 s, all read once in order");
  }
}
