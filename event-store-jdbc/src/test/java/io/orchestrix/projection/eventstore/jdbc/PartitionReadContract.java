package io.orchestrix.projection.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventPage;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.Partitions;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Deposited;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Opened;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reading one partition of the stream ids, filtered by the database: every event is read by exactly
 * one of P partitions, in order; an idle partition's scan reaches the head; the scan never passes an
 * append still in flight; a custom partition key falls back to filtering unfiltered pages; tables of
 * schema version 1 get their partition hashes on opening. Implemented by the event store's contract.
 */
interface PartitionReadContract {

  JdbcEventStore open(EventTypes types, JdbcStoreOptions options);

  JdbcStoreOptions options();

  String prefix();

  String adminUrl();

  /** Reads a partition from the start until its scan reaches {@code head}; fails if it stops short. */
  static List<EventEnvelope<?>> readPartition(JdbcEventStore store, PartitionFilter filter, int limit,
      long head) {
    List<EventEnvelope<?>> read = new ArrayList<>();
    long scanned = 0;
    for (int reads = 0; scanned < head; reads++) {
      assertThat(reads).as("reads of partition %s before its scan reaches %d", filter, head)
          .isLessThan(10_000);
      EventPage page = store.read(scanned, limit, filter);
      assertThat(page.scannedTo()).as("scannedTo after %d", scanned).isGreaterThanOrEqualTo(scanned);
      assertThat(page.scannedTo()).as("scannedTo never passes the head").isLessThanOrEqualTo(head);
      read.addAll(page.events());
      scanned = page.scannedTo();
    }
    return read;
  }

  @Test
  @DisplayName("each of P partitions reads exactly its streams' events, in order, and every event is read by exactly one")
  default void everyEventReadByExactlyOnePartition() {
    JdbcEventStore store = open(EventFixtures.accountTypes(), options());
    List<String> streams = new ArrayList<>();
    for (int s = 0; s < 37; s++) {
      streams.add("account-" + s + (s % 3 == 0 ? "-é😀" : ""));
    }
    for (int i = 0; i < 400; i++) {
      String stream = streams.get((i * 7 + i / 5) % streams.size());
      store.append(stream, new Deposited(stream, i));
    }
    long head = store.headPosition();
    List<EventEnvelope<?>> all = new ArrayList<>();
    for (List<EventEnvelope<?>> page = store.read(0, 1000); !page.isEmpty();
         page = store.read(page.get(page.size() - 1).position(), 1000)) {
      all.addAll(page);
    }

    for (int count : new int[] {1, 3, 8, 64}) {
      Map<String, Integer> readBy = new HashMap<>();
      for (int partition = 0; partition < count; partition++) {
        int p = partition;
        List<EventEnvelope<?>> read = readPartition(store, PartitionFilter.byStreamId(p, count), 7, head);
        assertThat(read).extracting(EventEnvelope::position).as("partition %d of %d in order", p, count)
            .isSorted().doesNotHaveDuplicates();
        assertThat(read).extracting(EventEnvelope::eventId).containsExactlyElementsOf(all.stream()
            .filter(e -> Partitions.of(e.streamId(), count) == p).map(EventEnvelope::eventId).toList());
        read.forEach(e -> readBy.merge(e.eventId(), 1, Integer::sum));
      }
      assertThat(readBy).as("events read by the %d partitions", count).hasSize(all.size())
          .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
    }
  }

  @Test
  @DisplayName("an idle partition's page is empty but its scan reaches the head, in bounded windows")
  default void idlePartitionScansToTheHead() {
    JdbcEventStore store = open(EventFixtures.accountTypes(), options());
    String busy = "busy";
    int busyPartition = Partitions.of(busy, 8);
    List<Object> payloads = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      payloads.add(new Deposited(busy, i));
    }
    long head = store.append(busy, 0, payloads);
    PartitionFilter idle = PartitionFilter.byStreamId((busyPartition + 1) % 8, 8);

    EventPage first = store.read(0, 5, idle);
    assertThat(first.events()).isEmpty();
    assertThat(first.scannedTo()).as("one read looks at most 4 * limit * count positions ahead")
        .isEqualTo(4 * 5 * 8);
    assertThat(readPartition(store, idle, 5, head)).isEmpty();
    assertThat(store.read(head, 5, idle).scannedTo()).as("at the head").isEqualTo(head);
    EventPage full = store.read(0, 5, PartitionFilter.byStreamId(busyPartition, 8));
    assertThat(full.events()).extracting(EventEnvelope::position).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(full.scannedTo()).as("a full page's scan ends at its last event").isEqualTo(5);
  }

  @Test
  @DisplayName("a partition's scan never passes an append in flight, and reads its events once it commits")
  default void scanStopsBelowAnAppendInFlight() throws Exception {
    JdbcEventStore store = open(EventFixtures.accountTypes(), options());
    store.append("early", new Opened("early", "ann"));
    store.append("early", new Deposited("early", 1));
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    long[] heldPositions = new long[2];
    CompletableFuture<Long> held = CompletableFuture.supplyAsync(() -> store.append("held", 0,
        List.of(new Opened("held", "bob"), new Deposited("held", 2)), Map.of(), (handle, appended) -> {
          heldPositions[0] = appended.firstPosition();
          heldPositions[1] = appended.lastPosition();
          inFlight.countDown();
          await(release);
        }));
    try {
      assertThat(inFlight.await(30, TimeUnit.SECONDS)).as("the held append took its positions").isTrue();
      for (int partition = 0; partition < 4; partition++) {
        EventPage page = store.read(0, 100, PartitionFilter.byStreamId(partition, 4));
        assertThat(page.scannedTo()).as("partition %d's scan", partition).isLessThan(heldPositions[0]);
        assertThat(page.events()).extracting(EventEnvelope::streamId).doesNotContain("held");
      }
    } finally {
      release.countDown();
    }
    assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(heldPositions[1]);
    PartitionFilter heldPartition = PartitionFilter.byStreamId(Partitions.of("held", 4), 4);
    long head = store.headPosition();
    assertThat(readPartition(store, heldPartition, 100, head)).extracting(EventEnvelope::position)
        .contains(heldPositions[0], heldPositions[1]);
  }

  @Test
  @DisplayName("a projection's own partition key is applied to unfiltered pages, with the same result")
  default void customKeyFallsBackToUnfilteredPages() {
    JdbcEventStore store = open(EventFixtures.accountTypes(), options());
    for (int i = 0; i < 60; i++) {
      store.append("acc-" + i % 9, new Deposited("owner-" + i % 4, i));
    }
    long head = store.headPosition();
    int total = 0;
    for (int partition = 0; partition < 3; partition++) {
      int p = partition;
      PartitionFilter byOwner = new PartitionFilter(p, 3, e -> ((Deposited) e.payload()).account());
      List<EventEnvelope<?>> read = readPartition(store, byOwner, 10, head);
      assertThat(read).allSatisfy(e -> assertThat(
          Partitions.of(((Deposited) e.payload()).account(), 3)).isEqualTo(p));
      assertThat(read).extracting(EventEnvelope::position).isSorted();
      total += read.size();
    }
    assertThat(total).isEqualTo(60);
  }

  @Test
  @DisplayName("event tables of schema version 1 get the partition hash of every stored event on opening, and move to the current version")
  default void versionOneTablesAreMigrated() throws SQLException {
    JdbcEventStore first = open(EventFixtures.accountTypes(), options());
    for (int i = 0; i < 30; i++) {
      first.append("s-" + i % 7, new Deposited("s-" + i % 7, i));
    }
    try (Connection connection = DriverManager.getConnection(adminUrl())) {
      connection.createStatement().execute("ALTER TABLE " + prefix() + "events DROP COLUMN partition_hash");
      connection.createStatement().executeUpdate(
          "UPDATE " + prefix() + "schema_version SET schema_version = 1 WHERE id = 2");
    }

    JdbcEventStore reopened = open(EventFixtures.accountTypes(), options());
    try (Connection connection = DriverManager.getConnection(adminUrl());
         ResultSet rs = connection.createStatement().executeQuery("SELECT stream_id, partition_hash FROM "
             + prefix() + "events")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        assertThat(rs.getInt(2)).as(rs.getString(1)).isEqualTo(Partitions.hash(rs.getString(1)));
      }
      assertThat(rows).isEqualTo(30);
      try (ResultSet version = connection.createStatement().executeQuery(
          "SELECT schema_version FROM " + prefix() + "schema_version WHERE id = 2")) {
        version.next();
        assertThat(version.getInt(1)).isEqualTo(JdbcEventStore.SCHEMA_VERSION);
      }
    }
    reopened.append("s-0", new Deposited("s-0", 99));
    int read = 0;
    for (int partition = 0; partition < 2; partition++) {
      read += readPartition(reopened, PartitionFilter.byStreamId(partition, 2), 50,
          reopened.headPosition()).size();
    }
    assertThat(read).isEqualTo(31);
  }

  @Test
  @DisplayName("one partition of 8 reads its eighth of the events to the head; the times of both are printed")
  default void onePartitionOfEightAgainstAll() {
    JdbcEventStore store = open(EventFixtures.accountTypes(), options());
    int events = 20_000;
    for (int batch = 0; batch < events / 1_000; batch++) {
      List<JdbcEventStore.StreamAppend> appends = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        String stream = "order-" + (batch * 1_000 + i) % 2_000;
        appends.add(new JdbcEventStore.StreamAppend(stream, JdbcEventStore.ANY_VERSION,
            List.of(new Deposited(stream, i))));
      }
      store.appendAll(appends);
    }
    long head = store.headPosition();
    PartitionFilter one = PartitionFilter.byStreamId(0, 8);
    readPartition(store, one, 500, head);
    readPartition(store, PartitionFilter.ALL, 500, head);

    long started = System.nanoTime();
    int all = readPartition(store, PartitionFilter.ALL, 500, head).size();
    long allNanos = System.nanoTime() - started;
    started = System.nanoTime();
    int partition = readPartition(store, one, 500, head).size();
    long partitionNanos = System.nanoTime() - started;

    assertThat(all).isEqualTo(events);
    assertThat(partition).isBetween(events / 8 / 2, events / 8 * 2);
    System.out.printf("partition read on %s: all %d events in %d ms; partition 0 of 8, %d events, in %d ms%n",
        store.databaseName(), all, allNanos / 1_000_000, partition, partitionNanos / 1_000_000);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the held append");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
