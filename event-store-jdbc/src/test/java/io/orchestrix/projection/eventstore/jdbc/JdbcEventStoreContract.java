package io.orchestrix.projection.eventstore.jdbc;

import static io.orchestrix.projection.eventstore.jdbc.EventFixtures.COUNTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.SerializationException;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.StreamVersionConflictException;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Deposited;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Opened;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.TickCounter;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Ticked;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Unregistered;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Withdrawn;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.WithdrawnV1;
import io.orchestrix.projection.jdbc.FaultInjectingDataSource;
import io.orchestrix.projection.jdbc.JdbcProjectionStore;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the JDBC event store guarantees on every database: round trips, contiguous positions, stream
 * versions and optimistic concurrency, metadata, upcasting, bounded pages, all-or-nothing appends, bad
 * input, schema versioning, and the gap-safety proof under concurrent appends with rollbacks and
 * transactions held open. Subclasses name the database and how to drop a test's tables.
 */
abstract class JdbcEventStoreContract implements PartitionReadContract, ConcurrentAppendContract {

  /** Thrown from a BeforeCommit to roll an append back. */
  static final class RollbackForTest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RollbackForTest() {
      super("rolled back by the test");
    }
  }

  private String prefix;
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** The database URL, resolved through TestServers or embedded. */
  abstract String url();

  /** Drops every table of the prefix. */
  abstract void dropTables(String prefix) throws SQLException;

  /**
   * Whether the committed events always hold exactly the positions 1 to the head (appends serialised
   * by the head row); false where appends run concurrently and a rolled-back one leaves its positions
   * unused (PostgreSQL).
   */
  boolean positionsGapFree() {
    return true;
  }

  @Override
  public String prefix() {
    return prefix;
  }

  @Override
  public JdbcStoreOptions options() {
    return JdbcStoreOptions.builder().tablePrefix(prefix).poolSize(3).build();
  }

  @BeforeEach
  void freshPrefix() {
    prefix = "e" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  }

  @AfterEach
  void closeAndDrop() throws Exception {
    // the last opened first: a runner stops before the store it reads
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    dropTables(prefix);
  }

  <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  JdbcEventStore open(EventTypes types) {
    return open(types, options());
  }

  @Override
  public JdbcEventStore open(EventTypes types, JdbcStoreOptions options) {
    return track(JdbcEventStore.open(url(), types, options));
  }

  @Test
  @DisplayName("appends read back in order with contiguous positions, stream ids, versions, payloads and the head")
  void roundTrip() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    assertThat(store.headPosition()).isZero();
    assertThat(store.read(0, 10)).isEmpty();

    assertThat(store.append("acc-1", 0, List.of(new Opened("acc-1", "ann"), new Deposited("acc-1", 5))))
        .isEqualTo(2);
    assertThat(store.append("acc-2", 0, List.of(new Opened("acc-2", "bob")))).isEqualTo(3);
    assertThat(store.append("acc-1", new Deposited("acc-1", 7))).isEqualTo(4);

    List<EventEnvelope<?>> events = store.read(0, 10);
    assertThat(events).extracting(EventEnvelope::position).containsExactly(1L, 2L, 3L, 4L);
    assertThat(events).extracting(EventEnvelope::streamId).containsExactly("acc-1", "acc-1", "acc-2", "acc-1");
    assertThat(payloads(events)).containsExactly(new Opened("acc-1", "ann"),
        new Deposited("acc-1", 5), new Opened("acc-2", "bob"), new Deposited("acc-1", 7));
    assertThat(events).extracting(EventEnvelope::eventId).doesNotHaveDuplicates();
    assertThat(store.headPosition()).isEqualTo(4);
    assertThat(store.streamVersion("acc-1")).isEqualTo(3);
    assertThat(store.streamVersion("acc-2")).isEqualTo(1);
    assertThat(store.streamVersion("nobody")).isZero();
    assertThat(store.readStream("acc-1", 1, 10)).extracting(EventEnvelope::position).containsExactly(2L, 4L);
    assertThat(store.databaseName()).isNotBlank();
  }

  @Test
  @DisplayName("metadata and the clock's time survive the round trip")
  void metadataAndTime() {
    Instant now = Instant.parse("2026-11-27T06:30:00.123456789Z");
    JdbcEventStore store = open(EventFixtures.accountTypes(), JdbcStoreOptions.builder()
        .tablePrefix(prefix()).poolSize(2).clock(Clock.fixed(now, ZoneOffset.UTC)).build());

    store.append("acc-1", JdbcEventStore.ANY_VERSION, List.of(new Opened("acc-1", "ann")),
        Map.of("correlation-id", "c-42", "user", "ann \"the admin\" é"));
    store.append("acc-1", new Deposited("acc-1", 1));

    List<EventEnvelope<?>> events = store.read(0, 10);
    assertThat(events.get(0).metadata()).containsExactlyInAnyOrderEntriesOf(
        Map.of("correlation-id", "c-42", "user", "ann \"the admin\" é"));
    assertThat(events.get(1).metadata()).isEmpty();
    assertThat(events).extracting(EventEnvelope::occurredAt).containsOnly(now);
  }

  @Test
  @DisplayName("reads come in bounded pages that continue exactly where the last one ended")
  void boundedPages() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    List<Object> payloads = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      payloads.add(new Deposited("acc", i));
    }
    assertThat(store.append("acc", 0, payloads)).isEqualTo(25);

    List<Long> positions = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    long after = 0;
    for (List<EventEnvelope<?>> page = store.read(after, 10); !page.isEmpty(); page = store.read(after, 10)) {
      sizes.add(page.size());
      page.forEach(e -> positions.add(e.position()));
      after = page.get(page.size() - 1).position();
    }
    assertThat(sizes).containsExactly(10, 10, 5);
    assertThat(positions).hasSize(25).isSorted().doesNotHaveDuplicates().startsWith(1L).endsWith(25L);
    assertThat(payloads(store.read(7, 1))).containsExactly(new Deposited("acc", 8));
    assertThatThrownBy(() -> store.read(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }

  @Test
  @DisplayName("a multi-stream append takes positions in the order given and versions per stream, in one transaction")
  void appendAllInterleavesStreams() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    store.append("acc-1", 0, List.of(new Opened("acc-1", "ann")));

    long last = store.appendAll(List.of(
        new JdbcEventStore.StreamAppend("acc-2", 0, List.of(new Opened("acc-2", "bob"))),
        new JdbcEventStore.StreamAppend("acc-1", 1, List.of(new Deposited("acc-1", 5))),
        new JdbcEventStore.StreamAppend("acc-2", 1, List.of(new Deposited("acc-2", 6),
            new Deposited("acc-2", 7))),
        new JdbcEventStore.StreamAppend("acc-1", JdbcEventStore.ANY_VERSION,
            List.of(new Deposited("acc-1", 8)))));

    assertThat(last).isEqualTo(6);
    List<EventEnvelope<?>> events = store.read(0, 10);
    assertThat(events).extracting(EventEnvelope::streamId)
        .containsExactly("acc-1", "acc-2", "acc-1", "acc-2", "acc-2", "acc-1");
    assertThat(store.streamVersion("acc-1")).isEqualTo(3);
    assertThat(store.streamVersion("acc-2")).isEqualTo(3);
    assertThat(store.readStream("acc-2", 0, 10)).extracting(EventEnvelope::position)
        .containsExactly(2L, 4L, 5L);
  }

  @Test
  @DisplayName("a multi-stream append with one stale part is refused whole")
  void appendAllIsAllOrNothing() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    store.append("acc-1", 0, List.of(new Opened("acc-1", "ann")));

    StreamVersionConflictException stale = catchThrowableOfType(StreamVersionConflictException.class,
        () -> store.appendAll(List.of(
            new JdbcEventStore.StreamAppend("acc-2", 0, List.of(new Opened("acc-2", "bob"))),
            new JdbcEventStore.StreamAppend("acc-1", 0, List.of(new Deposited("acc-1", 5))))));

    assertThat(stale).isNotNull();
    assertThat(stale.streamId()).isEqualTo("acc-1");
    assertThat(stale.actualVersion()).isEqualTo(1);
    assertThat(store.headPosition()).isEqualTo(1);
    assertThat(store.streamVersion("acc-2")).isZero();
    assertThat(store.append("acc-2", 0, List.of(new Opened("acc-2", "bob")))).isEqualTo(2);
  }

  @Test
  @DisplayName("an append expecting the wrong version is refused with StreamVersionConflictException and writes nothing")
  void optimisticConcurrency() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    store.append("acc", 0, List.of(new Opened("acc", "ann")));

    StreamVersionConflictException stale = catchThrowableOfType(StreamVersionConflictException.class,
        () -> store.append("acc", 0, List.of(new Deposited("acc", 1), new Deposited("acc", 2))));
    StreamVersionConflictException ahead = catchThrowableOfType(StreamVersionConflictException.class,
        () -> store.append("acc", 5, List.of(new Deposited("acc", 1))));

    assertThat(stale).as("append expecting version 0 of a stream at 1").isNotNull();
    assertThat(stale.streamId()).isEqualTo("acc");
    assertThat(stale.expectedVersion()).isZero();
    assertThat(stale.actualVersion()).isEqualTo(1);
    assertThat(ahead).as("append expecting version 5 of a stream at 1").isNotNull();
    assertThat(ahead.actualVersion()).isEqualTo(1);
    assertThat(store.headPosition()).isEqualTo(1);
    // the refused appends left no hole: the next one takes position 2
    assertThat(store.append("acc", 1, List.of(new Deposited("acc", 3)))).isEqualTo(2);
    assertThat(store.append("acc", JdbcEventStore.ANY_VERSION, List.of(new Deposited("acc", 4)))).isEqualTo(3);
    assertThat(store.streamVersion("acc")).isEqualTo(3);
  }

  @Test
  @DisplayName("of several writers racing to append to one stream at the same version, exactly one wins")
  void racingWritersOfOneStream() throws Exception {
    JdbcEventStore store = open(EventFixtures.accountTypes(),
        JdbcStoreOptions.builder().tablePrefix(prefix()).poolSize(6).build());
    store.append("acc", 0, List.of(new Opened("acc", "ann")));
    int writers = 6;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<String>> outcomes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        long amount = w;
        outcomes.add(pool.submit(() -> {
          start.await(5, TimeUnit.SECONDS);
          try {
            store.append("acc", 1, List.of(new Deposited("acc", amount)));
            return "won";
          } catch (StreamVersionConflictException e) {
            return "conflict at " + e.actualVersion();
          }
        }));
      }
      List<String> results = new ArrayList<>();
      for (Future<String> outcome : outcomes) {
        results.add(outcome.get(20, TimeUnit.SECONDS));
      }
      assertThat(results).filteredOn("won"::equals).hasSize(1);
      assertThat(results).filteredOn(r -> !r.equals("won")).hasSize(writers - 1)
          .allMatch("conflict at 2"::equals);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.streamVersion("acc")).isEqualTo(2);
    assertThat(store.headPosition()).isEqualTo(2);
  }

  @Test
  @DisplayName("events written under an old type name are upcast through EventTypes when read")
  void upcastingOnRead() {
    JdbcEventStore old = open(EventFixtures.oldAccountTypes());
    old.append("acc", 0, List.of(new Opened("acc", "ann"), new WithdrawnV1("acc", 30)));
    JdbcEventStore current = open(EventFixtures.upcastingAccountTypes());
    current.append("acc", 2, List.of(new Withdrawn("acc", 5, "USD")));

    assertThat(payloads(current.read(0, 10))).containsExactly(
        new Opened("acc", "ann"), new Withdrawn("acc", 30, "EUR"), new Withdrawn("acc", 5, "USD"));
  }

  @Test
  @DisplayName("an event no type is registered for stops the reader with a non-transient error naming its position")
  void unreadableEvent() {
    open(EventFixtures.oldAccountTypes()).append("acc", 0, List.of(new Opened("acc", "ann"),
        new WithdrawnV1("acc", 30)));
    JdbcEventStore reader = open(EventTypes.builder().register("Opened", Opened.class).build());

    assertThat(reader.read(0, 1)).hasSize(1);
    StoreException failure = catchThrowableOfType(StoreException.class, () -> reader.read(0, 10));
    assertThat(failure).as("reading an event of an unknown type").isNotNull();
    assertThat(failure.isTransient()).isFalse();
    assertThat(failure.getMessage()).contains("position 2").contains("Withdrawn.v1");
  }

  @Test
  @DisplayName("bad input is refused with a typed exception before anything is written")
  void badInput() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    List<Object> withNull = Arrays.asList(new Opened("a", "b"), null);

    assertThatThrownBy(() -> store.append("acc", 0, List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> store.append("acc", 0, withNull)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("payload");
    assertThatThrownBy(() -> store.append("acc", 0, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.append(" ", 0, List.of(new Opened("a", "b"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamId");
    assertThatThrownBy(() -> store.append("acc", -2, List.of(new Opened("a", "b"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectedVersion");
    assertThatThrownBy(() -> store.append("acc", 0, List.of(new Opened("a", "b"), new Unregistered("x"))))
        .isInstanceOf(SerializationException.class).hasMessageContaining(Unregistered.class.getName());
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("k", null);
    assertThatThrownBy(() -> store.append("acc", 0, List.of(new Opened("a", "b")), nullValue))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("metadata 'k'");

    assertThat(store.headPosition()).isZero();
    assertThat(store.read(0, 10)).isEmpty();
  }

  @Test
  @DisplayName("stream ids differing only in case, trailing spaces or astral characters are distinct streams, read back exactly")
  void streamIdsKeptExactly() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    List<String> streams = List.of("acc", "ACC", "acc ", "acc  ", "acc\uFFFF", "acc\uFFFE", "acc🎉",
        "acc😀", "日".repeat(JdbcEventStore.MAX_KEY_LENGTH), "🎉".repeat(JdbcEventStore.MAX_KEY_LENGTH / 2));
    for (String stream : streams) {
      store.append(stream, 0, List.of(new Opened(stream, "owner of " + stream)));
    }

    for (String stream : streams) {
      assertThat(store.streamVersion(stream)).as("version of stream %s", stream.length()).isEqualTo(1);
      assertThat(store.readStream(stream, 0, 10)).singleElement().satisfies(event -> {
        assertThat(event.streamId()).isEqualTo(stream);
        assertThat(event.payload()).isEqualTo(new Opened(stream, "owner of " + stream));
      });
    }
    assertThat(store.read(0, 100)).extracting(EventEnvelope::streamId).containsExactlyElementsOf(streams);
  }

  @Test
  @DisplayName("text no database keeps exactly (U+0000, an unpaired surrogate) is refused before anything is written, on every database")
  void unstorableTextRefused() {
    JdbcEventStore store = open(EventFixtures.accountTypes());

    assertThatThrownBy(() -> store.append("acc", 0, List.of(new Opened("acc", "a\u0000b"))))
        .isInstanceOf(SerializationException.class).hasMessageContaining("U+0000");
    assertThatThrownBy(() -> store.append("acc", 0, List.of(new Opened("acc", "half \uD83D"))))
        .isInstanceOf(SerializationException.class).hasMessageContaining("surrogate");
    assertThatThrownBy(() -> store.append("acc", 0, List.of(new Opened("acc", "b")), Map.of("k", "\u0000")))
        .isInstanceOf(SerializationException.class).hasMessageContaining("U+0000");
    assertThatThrownBy(() -> store.append("acc\uDE00", 0, List.of(new Opened("acc", "b"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamId");

    assertThat(store.headPosition()).isZero();
    assertThat(store.read(0, 10)).isEmpty();
  }

  @Test
  @DisplayName("a BeforeCommit that throws rolls the whole append back, and the next append reuses its positions")
  void rolledBackAppendLeavesNoGap() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    store.append("acc", 0, List.of(new Opened("acc", "ann")));
    List<JdbcEventStore.Appended> seen = new ArrayList<>();

    assertThatThrownBy(() -> store.append("acc", 1, List.of(new Deposited("acc", 1), new Deposited("acc", 2)),
        Map.of(), (handle, appended) -> {
          seen.add(appended);
          throw new RollbackForTest();
        })).isInstanceOf(RollbackForTest.class);

    assertThat(seen).singleElement().satisfies(a -> {
      assertThat(a.firstPosition()).isEqualTo(2);
      assertThat(a.lastPosition()).isEqualTo(3);
      assertThat(a.streamVersion()).isEqualTo(3);
      assertThat(a.eventIds()).hasSize(2);
    });
    assertThat(store.headPosition()).isEqualTo(1);
    assertThat(store.streamVersion("acc")).isEqualTo(1);
    long next = store.append("acc", 1, List.of(new Deposited("acc", 9)));
    if (positionsGapFree()) {
      assertThat(next).as("the rolled-back positions are taken again").isEqualTo(2);
    } else {
      assertThat(next).as("the rolled-back positions stay unused").isEqualTo(4);
    }
    assertThat(store.read(0, 10)).extracting(EventEnvelope::position).containsExactly(1L, next);
  }

  @Test
  @DisplayName("a BeforeCommit's own writes commit with the append, in the same transaction")
  void beforeCommitWritesWithTheAppend() {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    AtomicLong inside = new AtomicLong();

    long last = store.append("acc", 0, List.of(new Opened("acc", "ann")), Map.of(),
        (handle, appended) -> inside.set(handle.createQuery("SELECT COUNT(*) FROM " + prefix()
            + "events WHERE position = :p").bind("p", appended.lastPosition()).mapTo(Long.class).one()));

    assertThat(inside.get()).as("the callback sees the append's own rows").isEqualTo(1);
    assertThat(last).isEqualTo(1);
  }

  @Test
  @DisplayName("on the caller's data source, appends run in READ COMMITTED and close() leaves the data source usable")
  void onCallersDataSource() throws Exception {
    FaultInjectingDataSource source = FaultInjectingDataSource.counting(adminUrl());
    AtomicInteger isolation = new AtomicInteger(-1);
    try (JdbcEventStore store = JdbcEventStore.create(source, EventFixtures.accountTypes(), options())) {
      store.append("acc", 0, List.of(new Opened("acc", "ann")), Map.of(),
          (handle, appended) -> isolation.set(transactionIsolation(handle)));
      assertThat(store.read(0, 10)).extracting(EventEnvelope::position).containsExactly(1L);
      assertThat(store.awaitAppend(0, Duration.ofSeconds(2))).as("awaitAppend on " + store.databaseName())
          .isEqualTo(store.databaseName().equals("PostgreSQL"));
    }
    assertThat(isolation.get()).as("isolation of the append's transaction")
        .isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
    try (Connection connection = source.getConnection()) {
      assertThat(connection.isValid(2)).isTrue();
    }
    JdbcEventStore owned = open(EventFixtures.accountTypes());
    owned.append("acc", 1, List.of(new Deposited("acc", 1)), Map.of(),
        (handle, appended) -> isolation.set(transactionIsolation(handle)));
    assertThat(isolation.get()).as("isolation on the store's own pool").isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
    assertThat(owned.headPosition()).isEqualTo(2);
  }

  private static int transactionIsolation(org.jdbi.v3.core.Handle handle) {
    try {
      return handle.getConnection().getTransactionIsolation();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("a page ends before a hole in the positions (an event committed but not yet visible), and the next read resumes at it")
  void pageEndsAtAHole() throws SQLException {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    store.append("acc", 0, List.of(new Deposited("acc", 1), new Deposited("acc", 2), new Deposited("acc", 3),
        new Deposited("acc", 4)));
    List<Object[]> hidden = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(adminUrl())) {
      try (ResultSet rs = connection.createStatement().executeQuery("SELECT position, event_id, stream_id,"
          + " stream_version, type_name, payload, metadata, occurred_at, partition_hash FROM " + prefix()
          + "events WHERE position = 3")) {
        rs.next();
        hidden.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9)});
      }
      // what a reader of MariaDB can see for an instant: event 4 without event 3
      connection.createStatement().executeUpdate("DELETE FROM " + prefix() + "events WHERE position = 3");

      assertThat(store.readStream("acc", 0, 10)).extracting(EventEnvelope::position).containsExactly(1L, 2L);
      if (positionsGapFree()) {
        assertThat(store.read(0, 10)).extracting(EventEnvelope::position).containsExactly(1L, 2L);
        assertThat(store.read(2, 10)).isEmpty();
        for (int partition = 0; partition < 2; partition++) {
          assertThat(store.read(0, 10, PartitionFilter.byStreamId(partition, 2)).scannedTo())
              .as("partition %d's scan", partition).isLessThan(3);
        }
      } else {
        // below the horizon a missing position is a rolled-back append's, never one still to come
        assertThat(store.read(0, 10)).extracting(EventEnvelope::position).containsExactly(1L, 2L, 4L);
        assertThat(store.read(2, 10)).extracting(EventEnvelope::position).containsExactly(4L);
      }

      try (var insert = connection.prepareStatement("INSERT INTO " + prefix() + "events (position, event_id,"
          + " stream_id, stream_version, type_name, payload, metadata, occurred_at, partition_hash)"
          + " VALUES (?, ?, ?, ?, ?, " + payloadParameter() + ", " + payloadParameter() + ", ?, ?)")) {
        Object[] row = hidden.get(0);
        for (int i = 0; i < row.length; i++) {
          insert.setObject(i + 1, row[i]);
        }
        insert.executeUpdate();
      }
    }
    if (positionsGapFree()) {
      assertThat(store.read(2, 10)).extracting(EventEnvelope::position).containsExactly(3L, 4L);
    }
  }

  /** How a JSON parameter is written in a plain JDBC insert on this database. */
  String payloadParameter() {
    return "?";
  }

  @Test
  @DisplayName("the event store records its schema version as row 2, beside the projection store's row 1 on the same prefix")
  void schemaVersionRow() throws SQLException {
    open(EventFixtures.accountTypes()).append("acc", new Opened("acc", "ann"));
    try (JdbcProjectionStore projections = JdbcProjectionStore.open(url(), options())) {
      projections.prepareReadModel(new ReadModelSchema("orders", List.of()));
    }
    // reopening migrates nothing and keeps the events
    assertThat(open(EventFixtures.accountTypes()).headPosition()).isEqualTo(1);

    Map<Integer, Integer> versions = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(adminUrl());
         ResultSet rs = connection.createStatement().executeQuery(
             "SELECT id, schema_version FROM " + prefix() + "schema_version")) {
      while (rs.next()) {
        versions.put(rs.getInt(1), rs.getInt(2));
      }
    }
    assertThat(versions).containsExactlyInAnyOrderEntriesOf(
        Map.of(1, JdbcProjectionStore.SCHEMA_VERSION, 2, JdbcEventStore.SCHEMA_VERSION));
  }

  @Test
  @DisplayName("event tables of a newer schema version are refused with StoreConfigurationException")
  void newerSchemaRefused() throws SQLException {
    open(EventFixtures.accountTypes());
    try (Connection connection = DriverManager.getConnection(adminUrl())) {
      connection.createStatement().executeUpdate(
          "UPDATE " + prefix() + "schema_version SET schema_version = 999 WHERE id = 2");
    }
    assertThatThrownBy(() -> open(EventFixtures.accountTypes()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("event store tables").hasMessageContaining("999");
  }

  static List<Object> payloads(List<EventEnvelope<?>> events) {
    return events.stream().<Object>map(EventEnvelope::payload).toList();
  }

  /** A URL for direct JDBC connections (the same database the store uses). */
  @Override
  public String adminUrl() {
    return url();
  }

  // ---------------------------------------------------------------------------------------------
  // The gap-safety proof

  /** How the gap-safety run went, for the assertions and the report. */
  record GapRun(int appended, int rolledBack, int heldOpen, int conflicts, int received, long head) {}

  @Test
  @DisplayName("gap safety: 8 threads append with rollbacks and transactions held open for seconds while a runner follows; every committed event arrives exactly once, no rolled-back one does")
  void gapSafety() throws Exception {
    GapRun run = runGapSafety(8, Duration.ofSeconds(7));
    System.out.println("gap-safety on " + getClass().getSimpleName() + ": " + run);
  }

  GapRun runGapSafety(int threads, Duration appendFor) throws Exception {
    EventTypes types = EventFixtures.accountTypes();
    JdbcEventStore appendStore = open(types,
        JdbcStoreOptions.builder().tablePrefix(prefix()).poolSize(threads).build());
    JdbcEventStore followStore = open(types,
        JdbcStoreOptions.builder().tablePrefix(prefix()).poolSize(2).build());
    TickCounter counter = new TickCounter();
    ProjectionEngine engine = Projections.engine("gap").store(new InMemoryProjectionStateStore())
        .readModel(COUNTS).requireContiguousPositions(positionsGapFree()).build();
    engine.on(Ticked.class, counter::apply);
    ProjectionRunner runner = track(ProjectionRunner.builder(followStore).batchSize(50)
        .maxIdleWait(Duration.ofMillis(20)).projection(engine).build());
    runner.start();

    Set<String> committed = ConcurrentHashMap.newKeySet();
    Set<String> rolledBack = ConcurrentHashMap.newKeySet();
    AtomicInteger heldOpen = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    AtomicLong checkpointWhileAppending = new AtomicLong();
    AtomicLong lastCommitted = new AtomicLong();
    long started = System.nanoTime();
    long deadline = started + appendFor.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      writers.add(pool.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long[] versions = new long[4];
        // threads 0-2 each hold one transaction open for 1-3 s (thread 1 then rolls it back), spread out
        long holdAt = thread < 3 ? started + TimeUnit.MILLISECONDS.toNanos(500 + 1_700L * thread) : Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
          int s = random.nextInt(versions.length);
          String stream = "w" + thread + "-s" + s;
          int count = 1 + random.nextInt(3);
          List<Object> ticks = new ArrayList<>();
          for (int i = 1; i <= count; i++) {
            ticks.add(new Ticked(stream, versions[s] + i));
          }
          boolean hold = System.nanoTime() >= holdAt;
          if (hold) {
            holdAt = Long.MAX_VALUE;
          }
          boolean rollBack = (hold && thread == 1) || random.nextInt(100) < 5;
          long holdMillis = 1_000 + 500L * thread;
          // a few appends expect a stale version, to mix conflicts in (never a held one: each stream
          // has one writer, so a held append with the right version always reaches its callback)
          long expected = !hold && random.nextInt(100) < 2 ? versions[s] + 1 : versions[s];
          List<String> ids = new ArrayList<>();
          long[] position = new long[1];
          try {
            appendStore.append(stream, expected, ticks, Map.of("writer", "w" + thread),
                (handle, appended) -> {
                  ids.addAll(appended.eventIds());
                  position[0] = appended.lastPosition();
                  if (hold) {
                    heldOpen.incrementAndGet();
                    sleep(holdMillis);
                  }
                  if (rollBack) {
                    throw new RollbackForTest();
                  }
                });
            committed.addAll(ids);
            lastCommitted.accumulateAndGet(position[0], Math::max);
            versions[s] += count;
          } catch (RollbackForTest e) {
            rolledBack.addAll(ids);
          } catch (StreamVersionConflictException e) {
            conflicts.incrementAndGet();
          }
        }
        checkpointWhileAppending.accumulateAndGet(engine.state().lastProcessedPosition(), Math::max);
        return null;
      }));
    }
    for (Future<?> writer : writers) {
      writer.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    long head = followStore.headPosition();
    assertThat(runner.awaitPosition("gap", head, Duration.ofSeconds(15)))
        .as("runner reached the head %d; status %s", head, runner.status("gap")).isTrue();
    ProjectionStatus status = runner.status("gap");
    runner.stop();

    assertThat(status.lastError()).as("runner error").isNull();
    assertThat(heldOpen.get()).as("transactions held open").isEqualTo(3);
    assertThat(rolledBack).as("rolled-back events").isNotEmpty();
    assertThat(checkpointWhileAppending.get()).as("the runner followed while appends ran").isPositive();
    if (positionsGapFree()) {
      assertThat(head).as("positions are gap-free: the head is the number of committed events")
          .isEqualTo(committed.size());
    } else {
      assertThat(head).as("the head is the last committed position").isEqualTo(lastCommitted.get());
    }
    assertThat(engine.state().lastProcessedPosition()).as("checkpoint").isEqualTo(head);
    assertThat(counter.deliveries().keySet()).as("events received").containsExactlyInAnyOrderElementsOf(committed);
    assertThat(counter.deliveries().values()).as("each received once").allMatch(n -> n.get() == 1);
    assertThat(counter.deliveries().keySet()).as("no rolled-back event received").doesNotContainAnyElementsOf(rolledBack);
    Set<String> readBack = new HashSet<>();
    for (List<EventEnvelope<?>> page = followStore.read(0, 1000); !page.isEmpty();
         page = followStore.read(page.get(page.size() - 1).position(), 1000)) {
      page.forEach(e -> readBack.add(e.eventId()));
    }
    assertThat(readBack).as("the stored events").isEqualTo(committed);
    long applied = engine.readModel(COUNTS).streamAll().mapToLong(EventFixtures.StreamCount::events).sum();
    assertThat(applied).as("events counted by the read model").isEqualTo(committed.size());
    return new GapRun(committed.size(), rolledBack.size(), heldOpen.get(), conflicts.get(),
        counter.deliveries().size(), head);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
